import { apiRoutes } from '../../http/routes/openapi.js';

export type ApiRoute = (typeof apiRoutes)[number];

export const routeKey = (route: Pick<ApiRoute, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;

/** A route's one id parameter: `{id}`, or `{siteId}` of a route nested under a site. */
const ID_PARAM = /\{(?:id|siteId)\}/;

/** `/v1/admin/sites/{id}` with the id filled in (encoded: hostile ids go in too). */
export const fillPath = (path: string, id = '') => path.replace(ID_PARAM, encodeURIComponent(id));

export const hasIdParam = (route: ApiRoute) => ID_PARAM.test(route.path);

export const adminApiRoutes = () => apiRoutes.filter((route) => route.auth === 'admin');
export const visitorApiRoutes = () => apiRoutes.filter((route) => route.auth === 'visitor');

/**
 * Looks a route up in a table the suite keeps per route. A route added to the API without an entry
 * fails the suite, so every new route is walked too.
 */
export function perRoute<T>(table: Record<string, T>, route: ApiRoute): T {
  const key = routeKey(route);
  if (!(key in table)) throw new Error(`The reliability suite does not know ${key} yet: add it to its route tables`);
  return table[key] as T;
}
