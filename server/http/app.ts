import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { JSON_BODY_LIMIT_KB } from '../../contract/common.js';
import type { Config } from '../config.js';
import type { Services } from '../domain/createServices.js';
import { AppError } from '../lib/AppError.js';
import type { Logger } from '../lib/logger.js';
import { type DrainGate, drainGate } from './drain.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import type { AdminAuth } from './middleware/adminAuth.js';
import { compressApi } from './middleware/compressApi.js';
import { createLimiters, DEFAULT_RATE_LIMITS, type RateLimitSettings, type RateLimitStore } from './middleware/rateLimits.js';
import { requestLog } from './middleware/requestLog.js';
import { mountedRoutes, pathMatcher } from './mountedRoutes.js';
import { adminRoutes } from './routes/adminRoutes.js';
import { openApiDocument } from './routes/openapi.js';
import { widgetRoutes } from './routes/widgetRoutes.js';
import { type StaticDirs, staticRoutes } from './static.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  /** Resolves when the database answers; rejects otherwise. */
  pingDatabase: () => Promise<void>;
  /** The domain; omitted, only the health routes are served. */
  services?: Services;
  adminAuth?: AdminAuth;
  rateLimits?: RateLimitSettings;
  /** Where every rate limiter counts (in memory by default). */
  rateLimitStore?: RateLimitStore;
  /** Extra routers mounted at the root before the API (e.g. local image files). */
  extraRoutes?: express.Router[];
  /** Where the built widget, dashboard and example pages are; omitted in API-only tests. */
  staticDirs?: StaticDirs;
  demoSiteKey?: () => Promise<string | undefined>;
  /** The graceful stop's gate (its owner starts it on SIGTERM); a fresh one by default. */
  drain?: DrainGate;
}

/**
 * JSON bodies: small, strict, and only as `application/json` (415 otherwise); multipart only on the routes declared
 * with `acceptsMultipart`, read from the app's routers at the first request (once every router is mounted).
 */
function jsonBodies(app: Express) {
  const parser = express.json({ limit: `${JSON_BODY_LIMIT_KB}kb`, strict: true });
  let uploads: { method: string; path: RegExp }[] | undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    uploads ??= mountedRoutes(app.router)
      .filter((route) => route.multipart)
      .map((route) => ({ method: route.method.toUpperCase(), path: pathMatcher(route.path) }));
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const isMultipart = req.is('multipart/form-data');
    const path = req.baseUrl + req.path;
    const multipartAllowed = isMultipart && uploads.some((route) => route.method === req.method && route.path.test(path));
    if (hasBody && !multipartAllowed && !req.is('application/json') && req.method !== 'GET')
      return next(new AppError(415, 'unsupported_media_type', 'Send JSON with Content-Type: application/json'));
    if (multipartAllowed) return next();
    return parser(req, res, next);
  };
}

/** Builds the Express app from its dependencies; never listens (see `main.ts`). */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Whom to believe for the client address (rate limits count per address); nobody unless configured.
  app.set('trust proxy', deps.config.TRUST_PROXY);
  app.set('query parser', 'simple');
  app.set('json escape', true);
  app.use(requestLog(deps.log));
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false, crossOriginEmbedderPolicy: false }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const drain = deps.drain ?? drainGate();
  app.get('/readyz', async (_req, res) => {
    if (drain.draining) throw new AppError(503, 'draining', 'This server is stopping', { retryAfterSeconds: 5 });
    try {
      await deps.pingDatabase();
    } catch (error) {
      throw new AppError(503, 'database_unavailable', 'The database is unreachable', { cause: error, retryAfterSeconds: 5 });
    }
    res.json({ status: 'ready' });
  });

  for (const router of deps.extraRoutes ?? []) app.use(router);

  const services = deps.services;
  if (services && deps.adminAuth) {
    const document = openApiDocument();
    app.use('/v1', compressApi());
    app.get('/v1/openapi.json', (_req, res) => {
      res.json(document);
    });
    app.use('/v1', drain.middleware);
    app.use('/v1', jsonBodies(app));
    const limits = createLimiters(deps.rateLimits ?? DEFAULT_RATE_LIMITS, deps.rateLimitStore);
    app.use(
      '/v1/widget',
      widgetRoutes({
        log: deps.log,
        localMode: deps.adminAuth.mode === 'local',
        selfOrigin: deps.config.PUBLIC_URL ? new URL(deps.config.PUBLIC_URL).origin : undefined,
        sessions: services.sessions,
        conversations: services.conversations,
        chat: services.chat,
        tokens: services.tokens,
        limits,
        images: services.images,
        handoff: services.handoff,
        leads: services.leads,
        live: services.live,
        liveViews: services.liveViews,
        conversationById: services.repos.conversations,
      }),
    );
    app.use(
      '/v1/admin',
      adminRoutes({
        auth: deps.adminAuth,
        limits,
        clerkPublishableKey: deps.config.CLERK_PUBLISHABLE_KEY ?? null,
        sites: services.sites,
        conversations: services.conversations,
        stats: services.stats,
        images: services.images,
        siteDeletions: services.siteDeletions,
        budget: services.budget,
        jobs: services.jobs,
        log: deps.log,
        handoff: services.handoff,
        live: services.live,
        liveViews: services.liveViews,
        agents: services.agents,
        knowledge: services.knowledge,
        knowledgeSearch: services.knowledgeSearch,
        unanswered: services.unanswered,
        erasures: services.erasures,
        webhooks: services.webhooks,
        exportConversations: services.exportConversations,
      }),
    );
  }

  if (deps.staticDirs)
    app.use(
      staticRoutes(deps.staticDirs, deps.demoSiteKey ?? (async () => undefined), {
        clerkPublishableKey: deps.config.CLERK_PUBLISHABLE_KEY,
        imagekitUrlEndpoint: deps.config.IMAGEKIT_URL_ENDPOINT,
      }),
    );

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
