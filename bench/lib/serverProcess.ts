// A child process of bench/server.ts: the real server (createServer) on the embedded database with the real Gemini
// provider pointed at the fake (GEMINI_BASE_URL), rate limits raised for the load. Prints one `READY <json>` line with
// its URL, a site key and the pids whose memory the benchmark samples; stops cleanly when stdin closes.
import { loadConfig } from '../../server/config.js';
import { createServer } from '../../server/createServer.js';
import { pingDatabase } from '../../server/db/database.js';
import { GENEROUS_LIMITS } from '../../server/http/middleware/rateLimits.js';
import { openBenchDatabase } from './benchDatabase.js';

const baseUrl = process.argv[2];
if (!baseUrl) throw new Error('usage: serverProcess.ts <fake model url>');
const db = await openBenchDatabase('server');
const config = loadConfig({
  DATA_DIR: db.dataDir,
  LOG_LEVEL: 'silent',
  PORT: '0',
  GEMINI_API_KEY: 'bench-key',
  GEMINI_MODEL: 'gemini-2.5-flash',
  GEMINI_BASE_URL: baseUrl,
});
const server = await createServer(config, {
  database: { connection: db.connection, ping: (timeoutMs) => pingDatabase(db.connection, timeoutMs) },
  // Every stream of the load comes from one address; the limits are per minute.
  rateLimits: GENEROUS_LIMITS,
  staticDirs: null,
  demoSite: false,
});
const web = await server.listen();
const site = await server.services.sites.create('bench', { name: 'Bench', allowedOrigins: [] });
process.stdout.write(
  `READY ${JSON.stringify({ url: web.url, siteKey: site.publicKey, pid: process.pid, databasePid: db.embedded?.pid ?? null })}\n`,
);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server.stop(1000);
  await db.stop();
  process.exit(0);
});
