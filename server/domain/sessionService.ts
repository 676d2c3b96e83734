import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SessionRequest, SessionResponse } from '../../contract/widget.js';
import type { SiteRecord } from '../data/siteRepository.js';
import type { VisitorRecord, VisitorRepository } from '../data/visitorRepository.js';
import { AppError, forbidden, notFound } from '../lib/AppError.js';
import { originAllowed } from './origins.js';
import { type SiteService, toPublicSiteConfig } from './siteService.js';
import type { VisitorClaims, VisitorIdentity, VisitorTokens } from './visitorTokens.js';

export interface SessionContext {
  /** The request's Origin header, if any. */
  origin: string | undefined;
  /** Local mode trusts http://localhost:* and http://127.0.0.1:* and origin-less tools such as curl. */
  localMode: boolean;
  /** The server's own public origin (the dashboard's live preview), allowed for every site. */
  selfOrigin?: string;
}

/** `HMAC-SHA256(identitySecret, userId)` in hex, as the site's backend computes it (Intercom-style). */
export const userHashFor = (identitySecret: string, userId: string) =>
  createHmac('sha256', identitySecret).update(userId).digest('hex');

/**
 * The version of an identity secret that identified visitors' tokens carry: a one-way fingerprint, so
 * any new secret (rotation, or verification switched off and on) is a new version.
 */
export const identityVersionOf = (identitySecret: string) =>
  createHmac('sha256', identitySecret).update('chatwidget:identity-version').digest('base64url').slice(0, 22);

function hashMatches(expected: string, given: string) {
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given.toLowerCase(), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionService(deps: { sites: SiteService; visitors: VisitorRepository; tokens: VisitorTokens }) {
  const { sites, visitors, tokens } = deps;

  return {
    /** Checks that a page on `origin` may use the site; throws 403 otherwise. */
    assertOrigin(allowedOrigins: string[], context: SessionContext) {
      if (!context.origin) {
        if (context.localMode) return;
        throw forbidden('Requests from a browser page need an Origin header');
      }
      if (context.origin === context.selfOrigin) return;
      if (!originAllowed(context.origin, allowedOrigins, context.localMode))
        throw new AppError(403, 'origin_not_allowed', 'This site does not allow the widget on this origin');
    },

    /**
     * Admits a visitor token's request: its site exists and allows the origin, and an identified
     * visitor's token was verified with the site's current identity secret (else 401: the widget starts
     * a new session and the page identifies the user again). Answers the site. Identified tokens read
     * the site uncached, so a rotation on any instance revokes them at once.
     */
    async admit(claims: VisitorClaims, context: SessionContext): Promise<SiteRecord> {
      const site = claims.userId ? await sites.current(claims.siteId) : await sites.byId(claims.siteId);
      if (!site) throw notFound('Site');
      this.assertOrigin(site.allowedOrigins, context);
      if (claims.userId && (!site.identitySecret || claims.identityVersion !== identityVersionOf(site.identitySecret)))
        throw new AppError(
          401,
          'identity_revoked',
          'This visitor was verified with an identity secret the site no longer uses; start a new session',
        );
      return site;
    },

    async start(request: SessionRequest, context: SessionContext): Promise<SessionResponse> {
      const site = await sites.byPublicKey(request.siteKey);
      if (!site) throw notFound('Site');
      this.assertOrigin(site.allowedOrigins, context);

      let previous: VisitorIdentity | null = null;
      if (request.visitorToken) previous = await tokens.verify(request.visitorToken).catch(() => null);
      if (previous && previous.siteId !== site.id) previous = null;

      let visitor: VisitorRecord | null = null;
      if (request.user) {
        if (!site.identitySecret)
          throw new AppError(
            403,
            'identity_not_enabled',
            'This site does not verify identities; turn on identity verification to use identify()',
          );
        if (!request.user.userHash || !hashMatches(userHashFor(site.identitySecret, request.user.id), request.user.userHash))
          throw new AppError(401, 'identity_invalid', 'The user hash does not match this user id');
        const profile = { name: request.user.name ?? null, email: request.user.email ?? null };
        visitor = await visitors.findByUser(site.id, request.user.id);
        if (visitor) {
          if (visitor.name !== profile.name || visitor.email !== profile.email) await visitors.updateProfile(visitor.id, profile);
          visitor = { ...visitor, ...profile };
        } else {
          visitor = await visitors.create({ tenantId: site.tenantId, siteId: site.id, userId: request.user.id, ...profile });
        }
      } else if (previous && !previous.userId) {
        visitor = await visitors.findById(previous.visitorId);
        if (visitor && (visitor.siteId !== site.id || visitor.userId)) visitor = null;
      }
      visitor ??= await visitors.create({ tenantId: site.tenantId, siteId: site.id, userId: null, name: null, email: null });

      const { token, expiresAt } = await tokens.sign({
        visitorId: visitor.id,
        siteId: site.id,
        tenantId: site.tenantId,
        userId: visitor.userId,
        identityVersion: visitor.userId && site.identitySecret ? identityVersionOf(site.identitySecret) : null,
      });
      return {
        visitorToken: token,
        visitorId: visitor.id,
        expiresAt: expiresAt.toISOString(),
        site: toPublicSiteConfig(site),
        user: visitor.userId ? { id: visitor.userId, name: visitor.name } : null,
        leadCaptured: visitor.lead !== null,
      };
    },
  };
}
export type SessionService = ReturnType<typeof sessionService>;
