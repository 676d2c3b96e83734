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

/** Signed visitor tokens (HS256): site, visitor and tenant, kept by the widget in localStorage. */
export function visitorTokens(secret: string, now: () => Date = () => new Date()) {
  const key = new TextEncoder().encode(secret);
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
        if (typeof sub !== 'string' || typeof site !== 'string' || typeof ten !== 'string') throw new Error('claims');
        return {
          visitorId: sub,
          siteId: site,
          tenantId: ten,
          userId: typeof uid === 'string' ? uid : null,
          identityVersion: typeof sv === 'string' ? sv : null,
          ...(typeof exp === 'number' ? { expiresAt: new Date(exp * 1000) } : {}),
        };
      } catch {
        throw unauthorized('Invalid or expired visitor token');
      }
    },
  };
}
export type VisitorTokens = ReturnType<typeof visitorTokens>;
