import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { EmbeddedDatabaseUnavailable } from './db/ferretdbBinary.js';
import { buildApp } from './http/app.js';
import { startWebServer } from './http/server.js';
import { createLogger } from './lib/logger.js';

/** Composition root: config → database → app → listen, and a graceful stop on signals. */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL);

  let database: Awaited<ReturnType<typeof openDatabase>>;
  try {
    database = await openDatabase(config, log);
  } catch (error) {
    if (error instanceof EmbeddedDatabaseUnavailable) {
      console.error(error.message);
      process.exit(1);
    }
    log.fatal({ err: error }, 'Could not connect to the database');
    process.exit(1);
  }

  // Works from the sources (tsx server/main.ts) and from the build (dist/server/main.js).
  const here = dirname(fileURLToPath(import.meta.url));
  const root = here.endsWith(join('dist', 'server')) ? join(here, '..', '..') : join(here, '..');
  const staticDirs = {
    widget: join(root, 'dist', 'widget'),
    widgetEsm: join(root, 'dist', 'widget-esm'),
    dashboard: join(root, 'dist', 'dashboard'),
    examples: join(root, 'examples'),
  };
  const app = buildApp({ config, log, pingDatabase: () => database.ping(), staticDirs });
  const web = await startWebServer(app, config.PORT, config.HOST);
  const publicUrl = config.PUBLIC_URL ?? web.url;
  log.info({ url: publicUrl }, 'Server listening');
  console.log(
    `\n  Chat widget server ready\n  Demo page:  ${publicUrl}/\n  Dashboard:  ${publicUrl}/dashboard/\n  Health:     ${publicUrl}/readyz\n`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'Shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
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
