import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { ChatModel } from './ai/ChatModel.js';
import { selectChatModel } from './ai/selectChatModel.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { type DatabaseClock, databaseClock, helloTime } from './db/databaseClock.js';
import { createModels, type Models } from './db/models/index.js';
import { createServices, type ServiceDeps, type Services } from './domain/createServices.js';
import { type JobWorkerOptions, jobWorker } from './domain/jobs/jobWorker.js';
import { loadOrCreateSecret } from './domain/secrets.js';
import { type EventBus, inProcessBus } from './events/eventBus.js';
import { redisBus } from './events/redisBus.js';
import { buildApp } from './http/app.js';
import { drainGate } from './http/drain.js';
import { type AdminAuth, clerkAdminAuth, localAdminAuth } from './http/middleware/adminAuth.js';
import type { RateLimitSettings, RateLimitStore } from './http/middleware/rateLimits.js';
import { redisRateLimitStore, type SharedRateLimitStore } from './http/middleware/redisRateLimitStore.js';
import { startWebServer, type WebServer } from './http/server.js';
import type { StaticDirs } from './http/static.js';
import { createImageStorage } from './images/createImageStorage.js';
import type { ImageStorage } from './images/ImageStorage.js';
import { localImageRoutes } from './images/localImageRoutes.js';
import { LocalImageStorage } from './images/localImageStorage.js';
import { toModelImage } from './images/normalizeImage.js';
import { selectEmbedder } from './knowledge/embeddings/selectEmbedder.js';
import { fetchSourcePages, webFetchOptions } from './knowledge/web/fetchSourcePages.js';
import { createLogger, type Logger } from './lib/logger.js';
import { type BackgroundWorker, periodic } from './lib/periodic.js';
import { smtpMailer } from './lib/smtpMailer.js';

/** What a test, the e2e harness or a benchmark swaps; everything else comes from the config, as in production. */
export interface ServerOverrides {
  /** An open database (one per test file); its owner closes it. Default: `MONGODB_URI` or the embedded database. */
  database?: Pick<Database, 'connection' | 'ping'>;
  log?: Logger;
  /** The AI provider. Default: Gemini with a key, else the offline FAQ provider. */
  model?: ChatModel;
  /** Default: ImageKit when configured, else files under `DATA_DIR/images`. */
  storage?: ImageStorage;
  /** Default: Clerk when configured, else the local admin token. */
  adminAuth?: AdminAuth;
  rateLimits?: RateLimitSettings;
  /** Where every rate limiter counts. Default: Redis with `REDIS_URL` (shared by the instances), else in memory. */
  rateLimitStore?: RateLimitStore;
  /** The domain's own knobs (limits, clock). */
  services?: Partial<ServiceDeps>;
  /** The built browser parts; `null` serves the API only. Default: the repository's `dist/` and `examples/`. */
  staticDirs?: StaticDirs | null;
  /** Creates the demo site of local mode. Default: in local mode. */
  demoSite?: boolean;
  /** The job queue's timing (tests poll often). */
  jobs?: JobQueueSettings;
  /** An event bus its owner closes. Default: Redis with `REDIS_URL`, else in process. */
  bus?: EventBus;
}

export interface Server {
  config: Config;
  log: Logger;
  database: Pick<Database, 'connection' | 'ping'>;
  models: Models;
  model: ChatModel;
  storage: ImageStorage;
  services: Services;
  /** Live events between instances (ARCHITECTURE decision 9). */
  bus: EventBus;
  app: Express;
  /** The local admin token (local mode), else null. */
  adminToken: string | null;
  demoSite: Awaited<ReturnType<Services['sites']['ensureDemoSite']>> | null;
  /** Listens on `config.PORT`/`config.HOST` and starts the background work. */
  listen(): Promise<WebServer>;
  /**
   * The first step of a graceful stop (SIGTERM): `/readyz` fails, new work is refused (503 `draining`), the background
   * work stops, and requests already accepted (answers streaming) get up to `timeoutMs` to end. Returns how many are
   * still open then: call `abandon()` for those, else `stop()`.
   */
  drain(timeoutMs: number): Promise<number>;
  /** Stops the background work, then the web server (open streams get `graceMs`), then the database it opened. */
  stop(graceMs?: number): Promise<void>;
  /**
   * After a drain that timed out: closes what this server opened (the embedded database included) but leaves the
   * answers still streaming as they are, for the process to exit. Their leases expire and another instance recovers
   * them as `interrupted`; cutting their streams here would store them as stopped by the visitor, which they were not.
   */
  abandon(): Promise<void>;
}

/** The repository root, from the sources (server/) and from the build (dist/server/). */
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(join('dist', 'server')) ? join(here, '..', '..') : join(here, '..');
}

function builtParts(): StaticDirs {
  const root = repoRoot();
  return {
    widget: join(root, 'dist', 'widget'),
    widgetEsm: join(root, 'dist', 'widget-esm'),
    dashboard: join(root, 'dist', 'dashboard'),
    examples: join(root, 'examples'),
  };
}

function adminAuthFrom(config: Config, adminToken: string | null): AdminAuth {
  if (config.authMode === 'local') return localAdminAuth(adminToken as string);
  return clerkAdminAuth({
    secretKey: config.CLERK_SECRET_KEY as string,
    publishableKey: config.CLERK_PUBLISHABLE_KEY as string,
    jwtKey: config.CLERK_JWT_KEY,
    authorizedParties: config.CLERK_AUTHORIZED_PARTIES?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  });
}

/**
 * The one place background work is declared: every worker here runs while the server listens. The job queue's
 * worker runs the jobs of `createServices` (site deletions, the orphan sweep every 10 minutes), one instance per job.
 */
function backgroundWorkers(services: Services, log: Logger, jobs: JobQueueSettings = {}): BackgroundWorker[] {
  return [
    jobWorker({
      jobs: services.repos.jobs,
      handlers: services.jobHandlers,
      retry: services.jobRetry,
      recurring: services.recurringJobs,
      // A slow webhook receiver (up to 10 s) or a long sync holds one of these, not the whole queue.
      concurrency: 4,
      owner: services.instanceId,
      now: services.now,
      log,
      ...jobs,
    }),
    // Answers of an instance that died while this one runs: recovered once their lease expired.
    periodic('Recovery of interrupted answers', services.leases.answerLeaseMs, () => services.chat.recoverInterrupted(), log),
  ];
}

type JobQueueSettings = Pick<JobWorkerOptions, 'pollMs' | 'backoffMs' | 'leaseMs' | 'concurrency'>;

/**
 * The composition root: config → database → providers → domain → app, plus the start-up work (answers
 * interrupted by the last stop, the demo site). Used by `main.ts`, the test app, the e2e harness and the
 * benchmarks, which override only what they must. Never listens by itself.
 */
export async function createServer(config: Config, overrides: ServerOverrides = {}): Promise<Server> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const owned = overrides.database ? undefined : await openDatabase(config, log);
  const database = overrides.database ?? (owned as Database);
  const ownedBus = overrides.bus ? undefined : config.REDIS_URL ? redisBus(config.REDIS_URL, log) : inProcessBus();
  const bus = overrides.bus ?? (ownedBus as EventBus);
  const sharedLimits: SharedRateLimitStore | undefined =
    !overrides.rateLimitStore && config.REDIS_URL ? redisRateLimitStore(config.REDIS_URL, log) : undefined;
  let clock: DatabaseClock | undefined;
  const closeOwned = async () => {
    clock?.stop();
    await sharedLimits?.close();
    await ownedBus?.close();
    await owned?.close();
  };
  try {
    const models = await createModels(database.connection);
    // Leases and due times compare times several instances wrote: all read the database's clock (a test's own `now` wins).
    clock = overrides.services?.now ? undefined : await databaseClock(helloTime(database.connection), { log });
    const model = overrides.model ?? selectChatModel(config);
    const storage = overrides.storage ?? createImageStorage(config);
    const services = createServices({
      models,
      model,
      visitorTokenSecret: loadOrCreateSecret(config.dataDir, 'visitor-token', config.VISITOR_TOKEN_SECRET),
      storage,
      readImage: (stored) => storage.read(stored),
      toModelImage,
      bus,
      mailer: config.SMTP_URL ? smtpMailer(config.SMTP_URL, config.SMTP_FROM) : null,
      handoffReminderMs: config.HANDOFF_REMINDER_SECONDS * 1000,
      dashboardUrl: `${config.PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`}/dashboard`,
      knowledgeLimits: {
        sources: config.KNOWLEDGE_MAX_SOURCES,
        pages: config.KNOWLEDGE_MAX_PAGES,
        chunks: config.KNOWLEDGE_MAX_CHUNKS,
      },
      fetchPages: (source, { signal }) =>
        fetchSourcePages(source, { ...webFetchOptions(config), maxPages: source.maxPages, signal }),
      log,
      embedder: selectEmbedder(config),
      leases: { answerLeaseMs: config.LEASE_MS, conversationLockMs: config.LEASE_MS, renewEveryMs: config.LEASE_MS / 3 },
      now: clock?.now,
      ...overrides.services,
      webhooks: { allowPrivateHosts: config.ALLOW_PRIVATE_HOSTS, ...overrides.services?.webhooks },
    });
    const interrupted = await services.chat.recoverInterrupted();
    if (interrupted) log.warn({ interrupted }, 'Stored answers interrupted by the last stop as errors');

    const adminToken = config.authMode === 'local' ? loadOrCreateSecret(config.dataDir, 'admin-token', config.ADMIN_TOKEN) : null;
    const adminAuth = overrides.adminAuth ?? adminAuthFrom(config, adminToken);
    const demoSite = (overrides.demoSite ?? config.authMode === 'local') ? await services.sites.ensureDemoSite('local') : null;
    const staticDirs = overrides.staticDirs === undefined ? builtParts() : overrides.staticDirs;
    const drain = drainGate();
    const app = buildApp({
      config,
      log,
      pingDatabase: () => database.ping(),
      services,
      adminAuth,
      rateLimits: overrides.rateLimits,
      rateLimitStore: overrides.rateLimitStore ?? sharedLimits?.store,
      extraRoutes: storage instanceof LocalImageStorage ? [localImageRoutes(storage)] : [],
      ...(staticDirs ? { staticDirs, demoSiteKey: async () => demoSite?.publicKey } : {}),
      drain,
    });

    const workers = backgroundWorkers(services, log, overrides.jobs);
    let web: WebServer | undefined;
    const stopWorkers = () => Promise.all(workers.map((worker) => worker.stop()));
    return {
      config,
      log,
      database,
      models,
      model,
      storage,
      services,
      bus,
      app,
      adminToken,
      demoSite,
      async listen() {
        web = await startWebServer(app, config.PORT, config.HOST);
        // Image URLs must be absolute: the widget shows them on other sites' pages.
        if (storage instanceof LocalImageStorage && !storage.baseUrl) storage.baseUrl = config.PUBLIC_URL ?? web.url;
        for (const worker of workers) worker.start();
        return web;
      },
      async drain(timeoutMs) {
        drain.start();
        await stopWorkers();
        return drain.idle(timeoutMs);
      },
      async stop(graceMs) {
        await stopWorkers();
        await web?.stop(graceMs);
        await closeOwned();
      },
      async abandon() {
        await stopWorkers();
        await closeOwned();
      },
    };
  } catch (error) {
    await closeOwned();
    throw error;
  }
}
