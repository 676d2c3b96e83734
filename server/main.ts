import { type Config, ConfigError, loadConfig, readDotEnvFile } from './config.js';
import { createServer, type Server } from './createServer.js';
import { EmbeddedDatabaseUnavailable } from './db/ferretdbBinary.js';
import { createLogger, logFormatFor } from './lib/logger.js';
import { onParentExit } from './lib/parentWatch.js';

/** Prints one sentence and exits for failures the user can act on; anything else is logged in full. */
function fail(error: unknown): never {
  if (error instanceof ConfigError || error instanceof EmbeddedDatabaseUnavailable) console.error(error.message);
  else console.error(error);
  process.exit(1);
}

/** The process edge: config from the environment, the composed server, the printed URLs, signals and exit codes. */
async function main() {
  let server: Server | undefined;
  let stopping = false;
  /**
   * A graceful stop (docs/deploy.md): drain (`/readyz` fails, new work is refused, answers in flight get
   * `DRAIN_TIMEOUT_MS`), then close; answers still streaming at the timeout are left to lease recovery. A signal during
   * start-up stops the server once it is composed (its embedded database included), never leaving it behind.
   */
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!server) return; // start-up checks `stopping` when it is done
    const { log, config } = server;
    log.info({ signal, drainTimeoutMs: config.DRAIN_TIMEOUT_MS }, 'Draining');
    const force = setTimeout(() => process.exit(1), config.DRAIN_TIMEOUT_MS + 15_000);
    force.unref();
    const open = await server.drain(config.DRAIN_TIMEOUT_MS);
    if (open > 0) {
      log.warn({ open }, 'Drain timed out: requests still open are left to lease recovery');
      await server.abandon();
    } else await server.stop(1000);
    log.info('Stopped');
    process.exit(0);
  };
  // Before any start-up work: the default action of a signal would exit at once and leave the embedded database.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // `npm start` exits on a signal without passing it on: its orphaned server stops the same way.
  onParentExit(() => void stop('parent exited'));

  let config: Config;
  try {
    readDotEnvFile();
    config = loadConfig();
    const log = createLogger(config.LOG_LEVEL, logFormatFor(Boolean(process.stdout.isTTY), config.NODE_ENV));
    server = await createServer(config, { log });
  } catch (error) {
    fail(error);
  }
  if (stopping) {
    await server.stop(0);
    process.exit(0);
  }
  const running = server;
  process.on('uncaughtException', (error) => {
    running.log.fatal({ err: error }, 'Uncaught exception');
    // The embedded database is a child process: never leave it behind (but never hang on the way out).
    setTimeout(() => process.exit(1), 5000).unref();
    void running.stop(0).finally(() => process.exit(1));
  });
  const { log, model, storage, adminToken, demoSite } = running;
  const web = await running.listen();
  const publicUrl = config.PUBLIC_URL ?? web.url;

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
}

void main();
