import { timingSafeEqual } from 'node:crypto';
import { clerkMiddleware, createClerkClient, getAuth } from '@clerk/express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forbidden, unauthorized } from '../../lib/AppError.js';
import { bearerToken } from './visitorAuth.js';

export interface AdminIdentity {
  tenantId: string;
  role: 'admin' | 'member';
  userId: string | null;
}

/** Turns a request into an admin identity, or throws 401. */
export interface AdminAuth {
  mode: 'clerk' | 'local';
  /** Middleware that runs before `identify` (Clerk's token verification). */
  middleware: RequestHandler[];
  identify(req: Request): AdminIdentity;
}

/** Local mode: one organization, one bearer token. */
export function localAdminAuth(adminToken: string): AdminAuth {
  const expected = Buffer.from(adminToken);
  return {
    mode: 'local',
    middleware: [],
    identify(req) {
      const token = bearerToken(req);
      if (!token) throw unauthorized('An admin token is required');
      const given = Buffer.from(token);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw unauthorized('Invalid admin token');
      return { tenantId: 'local', role: 'admin', userId: null };
    },
  };
}

/**
 * Clerk mode: session tokens verified by `@clerk/express` (networkless with `jwtKey`). The tenant is
 * the active organization, else the user's personal workspace; `org:admin` may write.
 * `clerkMiddleware` never rejects, so 401/403 are ours (JSON, never a redirect).
 */
export function clerkAdminAuth(options: {
  secretKey: string;
  publishableKey: string;
  jwtKey?: string;
  authorizedParties?: string[];
}): AdminAuth {
  const clerkClient = createClerkClient({
    secretKey: options.secretKey,
    publishableKey: options.publishableKey,
    jwtKey: options.jwtKey,
  });
  return {
    mode: 'clerk',
    middleware: [
      clerkMiddleware({
        clerkClient,
        secretKey: options.secretKey,
        publishableKey: options.publishableKey,
        jwtKey: options.jwtKey,
        authorizedParties: options.authorizedParties,
      }),
    ],
    identify(req) {
      const auth = getAuth(req);
      if (!auth.isAuthenticated || !auth.userId) throw unauthorized('Sign in to continue');
      if (auth.orgId) {
        return { tenantId: `org:${auth.orgId}`, role: auth.orgRole === 'org:admin' ? 'admin' : 'member', userId: auth.userId };
      }
      return { tenantId: `user:${auth.userId}`, role: 'admin', userId: auth.userId };
    },
  };
}

export function requireAdmin(auth: AdminAuth) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.admin = auth.identify(req);
    next();
  };
}

export const adminOf = (res: Response): AdminIdentity => res.locals.admin as AdminIdentity;

/** Writes (and revealing a site's identity secret) need the organization's admin role. */
export function requireAdminRole(_req: Request, res: Response, next: NextFunction) {
  if (adminOf(res).role !== 'admin') throw forbidden('Only organization admins can do this');
  next();
}
