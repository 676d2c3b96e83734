import { jwtVerify, SignJWT } from 'jose';
import { unauthorized } from '../lib/AppError.js';

export interface VisitorIdentity {
  visitorId: string;
  siteId: string;
  tenantId: string;
  /** The verified site user, when the visitor was identified. */
  userId: string | null;
}

/**
 * What a verified token says: the identity, and for an identified user the version of the site's
 * identity secret that verified them (checked on every use, so a rotation revokes the identity).
 */
export interface VisitorClaims extends VisitorIdentity {
  identityVersion: string | null;
  /** When the token expires (set by `verify`): a stream opened with it ends then. */
  expiresAt?: Date;
}

const ISSUER = 'chatwidget';
const AUDIENCE = 'widget';
export const VISITOR_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** How many verified tokens an instance remembers (a few MB at most; the oldest go first). */
const VERIFIED_KEPT = 10_000;

/** Signed visitor tokens (HS256): site, visitor and tenant, kept by the widget in localStorage. */
export function visitorTokens(secret: string, now: () => Date = () => new Date()) {
  const key = new TextEncoder().encode(secret);
  /**
   * Tokens whose signature and claims were verified, by their text. Every request of a visitor carries the same token,
   * and its signature check was the send path's dearest step after the database. What a token says cannot change (the
   * signature covers all of it, and the secret is fixed for the process), so this cache holds only immutable facts:
   * each use still checks the expiry, and what can be revoked (a site's identity secret, its origins) is checked per
   * request from the site, as before. Nothing is shared: each instance verifies a token once.
   */
  const verified = new Map<string, VisitorClaims & { expiresAt: Date }>();
  /** As `jwtVerify` decides it: expired once `exp` is not after the current second. */
  const expired = (claims: { expiresAt: Date }) => claims.expiresAt.getTime() / 1000 <= Math.floor(now().getTime() / 1000);
  return {
    async sign(identity: VisitorClaims): Promise<{ token: string; expiresAt: Date }> {
      const issuedAt = Math.floor(now().getTime() / 1000);
      const expiresAt = new Date((issuedAt + VISITOR_TOKEN_TTL_SECONDS) * 1000);
      const token = await new SignJWT({
        site: identity.siteId,
        ten: identity.tenantId,
        ...(identity.userId ? { uid: identity.userId, sv: identity.identityVersion } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(identity.visitorId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
    async verify(token: string): Promise<VisitorClaims> {
      const known = verified.get(token);
      if (known) {
        if (expired(known)) {
          verified.delete(token);
          throw unauthorized('Invalid or expired visitor token');
        }
        return { ...known };
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          // Every token we sign expires; one without exp was not made by sign() and never would expire.
          requiredClaims: ['exp'],
          currentDate: now(),
        });
        const { sub, site, ten, uid, sv, exp } = payload as {
          exp?: unknown;
          sub?: unknown;
          site?: unknown;
          ten?: unknown;
          uid?: unknown;
          sv?: unknown;
        };
        if (typeof sub !== 'string' || typeof site !== 'string' || typeof ten !== 'string' || typeof exp !== 'number')
          throw new Error('claims');
        const claims = {
          visitorId: sub,
          siteId: site,
          tenantId: ten,
          userId: typeof uid === 'string' ? uid : null,
          identityVersion: typeof sv === 'string' ? sv : null,
          expiresAt: new Date(exp * 1000),
        };
        verified.set(token, claims);
        if (verified.size > VERIFIED_KEPT) verified.delete(verified.keys().next().value as string);
        return { ...claims };
      } catch {
        throw unauthorized('Invalid or expired visitor token');
      }
    },
  };
}
export type VisitorTokens = ReturnType<typeof visitorTokens>;
