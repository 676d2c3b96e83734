import { timingSafeEqual } from 'node:crypto';
import { clerkMiddleware, createClerkClient, getAuth } from '@clerk/express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forbidden, unauthorized } from '../../lib/AppError.js';
import { bearerToken } from './visitorAuth.js';

export interface AdminIdentity {
  tenantId: string;
  role: 'admin' | 'member';
  userId: string | null;
  /** The session's name claim, if the token carries one (`domain/handoff/agents.ts` decides the agent's name). */
  name: string | null;
  /** When the credential expires (a Clerk session token's `exp`); null for the local token. Streams end then. */
  expiresAt: Date | null;
}

/**
 * The person's name from a Clerk session token: Clerk's default token has none, so an organization adds one in
 * Clerk's dashboard (Sessions → Customize session token), e.g. `{"name": "{{user.full_name}}"}`; `fullName` is read too.
 */
function nameClaim(claims: Record<string, unknown> | null | undefined): string | null {
  for (const key of ['name', 'fullName']) {
    const value = claims?.[key];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 80);
  }
  return null;
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
      return { tenantId: 'local', role: 'admin', userId: null, name: null, expiresAt: null };
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
      const claims = auth.sessionClaims as Record<string, unknown> | null;
      const person = {
        userId: auth.userId,
        name: nameClaim(claims),
        expiresAt: typeof claims?.exp === 'number' ? new Date(claims.exp * 1000) : null,
      };
      if (auth.orgId) {
        return { tenantId: `org:${auth.orgId}`, role: auth.orgRole === 'org:admin' ? 'admin' : 'member', ...person };
      }
      return { tenantId: `user:${auth.userId}`, role: 'admin', ...person };
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
