// A child process of bench/server.ts: the real app (buildApp) on the embedded database with the real Gemini provider
// pointed at the fake (GEMINI_BASE_URL), rate limits raised for the load. Prints one `READY <json>` line with its
// URL, a site key and the pids whose memory the benchmark samples; stops cleanly when stdin closes.
import { join } from 'node:path';
import { createGeminiModel } from '../../server/ai/geminiModel.js';
import { loadConfig } from '../../server/config.js';
import { pingDatabase } from '../../server/db/database.js';
import { createServices } from '../../server/domain/createServices.js';
import { buildApp } from '../../server/http/app.js';
import { localAdminAuth } from '../../server/http/middleware/adminAuth.js';
import { GENEROUS_LIMITS } from '../../server/http/middleware/rateLimits.js';
import { startWebServer } from '../../server/http/server.js';
import { LocalImageStorage } from '../../server/images/localImageStorage.js';
import { toModelImage } from '../../server/images/normalizeImage.js';
import { createLogger } from '../../server/lib/logger.js';
import { openBenchDatabase } from './benchDatabase.js';

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: serverProcess.ts <fake model url>');
const db = await openBenchDatabase('server');
const storage = new LocalImageStorage({ dir: join(db.dataDir, 'images') });
const services = createServices({
  models: db.models,
  model: createGeminiModel({ apiKey: 'bench-key', model: 'gemini-2.5-flash', baseUrl }),
  visitorTokenSecret: 'bench-visitor-token-secret-0123456789abcdef',
  storage,
  readImage: (stored) => storage.read(stored),
  toModelImage,
});
const app = buildApp({
  config: loadConfig({ DATA_DIR: db.dataDir, LOG_LEVEL: 'silent', GEMINI_API_KEY: 'bench-key', GEMINI_BASE_URL: baseUrl }),
  log: createLogger('silent'),
  pingDatabase: () => pingDatabase(db.connection),
  services,
  adminAuth: localAdminAuth('bench-admin-token-0123456789'),
  // Every stream of the load comes from one address; the limits are per minute.
  rateLimits: GENEROUS_LIMITS,
});
const web = await startWebServer(app, 0);
const site = await services.sites.create('bench', { name: 'Bench', allowedOrigins: [] });
process.stdout.write(
  `READY ${JSON.stringify({ url: web.url, siteKey: site.publicKey, pid: process.pid, databasePid: db.embedded?.pid ?? null })}\n`,
);
process.stdin.resume();
process.stdin.on('end', async () => {
  await web.stop(1000);
  await db.stop();
  process.exit(0);
});
