import type { RequestHandler, Router } from 'express';

/** A route as Express serves it: `path` in Express syntax (`/v1/admin/sites/:id`). */
export interface MountedRoute {
  method: string;
  path: string;
  /** Declared with `acceptsMultipart`. */
  multipart: boolean;
}

/** Marks a route as taking a multipart body (uploads); every other API route takes JSON only. */
export const acceptsMultipart: RequestHandler = (_req, _res, next) => next();

/** The parts of Express's router layers read here (route, methods, handlers, nested routers' mount path). */
interface Layer {
  route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown }[] };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/**
 * Every route a router serves, read from the router itself: the app takes the multipart allowance from it and a
 * test compares it with the OpenAPI table, so a route is declared once, where it is handled.
 */
export function mountedRoutes(router: Router, prefix = ''): MountedRoute[] {
  const routes: MountedRoute[] = [];
  for (const layer of (router as unknown as { stack: Layer[] }).stack) {
    if (layer.route && typeof layer.route.path === 'string') {
      const multipart = layer.route.stack.some((step) => step.handle === acceptsMultipart);
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') routes.push({ method, path: prefix + layer.route.path, multipart });
    } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
      const mount = layer.rawPath === '/' ? '' : layer.rawPath;
      routes.push(...mountedRoutes(layer.handle as unknown as Router, prefix + mount));
    }
  }
  return routes;
}

/** Whether a request path matches a route's Express path (named parameters are one segment each). */
export function pathMatcher(path: string): RegExp {
  const pattern = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}/?$`);
}
