import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import { AppError } from '../lib/AppError.js';
import type { Logger } from '../lib/logger.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import { type StaticDirs, staticRoutes } from './static.js';

export interface AppDeps {
  config: Config;
  log: Logger;
  /** Resolves when the database answers; rejects otherwise. */
  pingDatabase: () => Promise<void>;
  /** Where the built widget, dashboard and example pages are; omitted in API-only tests. */
  staticDirs?: StaticDirs;
  demoSiteKey?: () => Promise<string | undefined>;
}

/** Builds the Express app from its dependencies; never listens (see `main.ts`). */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');
  app.use(helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.pingDatabase();
    } catch (error) {
      throw new AppError(503, 'database_unavailable', 'The database is unreachable', { cause: error, retryAfterSeconds: 5 });
    }
    res.json({ status: 'ready' });
  });

  if (deps.staticDirs) app.use(staticRoutes(deps.staticDirs, deps.demoSiteKey ?? (async () => undefined)));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}
