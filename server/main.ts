import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectChatModel } from './ai/selectChatModel.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { EmbeddedDatabaseUnavailable } from './db/ferretdbBinary.js';
import { createModels } from './db/models/index.js';
import { createServices } from './domain/createServices.js';
import { loadOrCreateSecret } from './domain/secrets.js';
import { buildApp } from './http/app.js';
import { clerkAdminAuth, localAdminAuth } from './http/middleware/adminAuth.js';
import { startWebServer } from './http/server.js';
import { createImageStorage } from './images/createImageStorage.js';
import { localImageRoutes } from './images/localImageRoutes.js';
import { LocalImageStorage } from './images/localImageStorage.js';
import { toModelImage } from './images/normalizeImage.js';
import { createLogger } from './lib/logger.js';

/** Prints one sentence and exits for failures the user can act on; anything else is logged in full. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseUnavailable) console.error(error.message);
  else console.error(error);
  process.exit(1);
}

/** The repository root, from the sources (tsx server/main.ts) and from the build (dist/server/main.js). */
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join('dist', 'server')) ? join(here, '..', '..') : join(here, '..');
}

/** Composition root: config → database → providers → domain → app → listen, and a graceful stop. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error);
  }
  const log = createLogger(config.LOG_LEVEL);

  let database: Database;
  try {
    database = await openDatabase(config, log);
  } catch (error) {
    fail(error);
  }

  const models = await createModels(database.connection);
  const model = selectChatModel(config);
  const storage = createImageStorage(config);
  const services = createServices({
    models,
    model,
    visitorTokenSecret: loadOrCreateSecret(config.dataDir, 'visitor-token', config.VISITOR_TOKEN_SECRET),
    storage,
    readImage: (stored) => storage.read(stored),
    toModelImage,
  });
  const interrupted = await services.chat.recoverInterrupted();
  if (interrupted) log.warn({ interrupted }, 'Stored answers interrupted by the last stop as errors');

  const adminToken = config.authMode === 'local' ? loadOrCreateSecret(config.dataDir, 'admin-token', config.ADMIN_TOKEN) : null;
  const adminAuth =
    config.authMode === 'clerk'
      ? clerkAdminAuth({
          secretKey: config.CLERK_SECRET_KEY as string,
          publishableKey: config.CLERK_PUBLISHABLE_KEY as string,
          jwtKey: config.CLERK_JWT_KEY,
          authorizedParties: config.CLERK_AUTHORIZED_PARTIES?.split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        })
      : localAdminAuth(adminToken as string);
  const demoSite = config.authMode === 'local' ? await services.sites.ensureDemoSite('local') : null;

  const root = repoRoot();
  const app = buildApp({
    config,
    log,
    pingDatabase: () => database.ping(),
    services,
    adminAuth,
    extraRoutes: storage instanceof LocalImageStorage ? [localImageRoutes(storage)] : [],
    staticDirs: {
      widget: join(root, 'dist', 'widget'),
      widgetEsm: join(root, 'dist', 'widget-esm'),
      dashboard: join(root, 'dist', 'dashboard'),
      examples: join(root, 'examples'),
    },
    demoSiteKey: async () => demoSite?.publicKey,
  });
  const web = await startWebServer(app, config.PORT, config.HOST);
  const publicUrl = config.PUBLIC_URL ?? web.url;
  // Image URLs must be absolute: the widget shows them on other sites' pages.
  if (storage instanceof LocalImageStorage && !storage.baseUrl) storage.baseUrl = publicUrl;

  const sweep = setInterval(() => {
    services.images.sweepOrphans().catch((error: unknown) => log.error({ err: error }, 'Orphan image sweep failed'));
  }, 3600_000);
  sweep.unref();

  log.info({ url: publicUrl, auth: config.authMode, model: model.name, images: storage.name }, 'Server listening');
  const dashboard = adminToken ? `${publicUrl}/dashboard/#token=${adminToken}` : `${publicUrl}/dashboard/`;
  console.log(
    [
      '',
      '  Chat widget server ready',
      `  Demo page:  ${publicUrl}/`,
      `  Dashboard:  ${dashboard}`,
      `  API docs:   ${publicUrl}/v1/openapi.json`,
      `  Health:     ${publicUrl}/readyz`,
      ...(demoSite ? [`  Demo site key: ${demoSite.publicKey}`] : []),
      `  AI: ${model.name === 'offline' ? 'offline FAQ answers (set GEMINI_API_KEY for Gemini)' : model.name} · images: ${storage.name}`,
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    clearInterval(sweep);
    await web.stop();
    await database.close();
    log.info('Stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'Uncaught exception');
    void database.close().finally(() => process.exit(1));
  });
}

void main();
