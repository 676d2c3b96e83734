// A child process of bench/server.ts: the real server (createServer) on the embedded database with the real Gemini
// provider pointed at the fake (GEMINI_BASE_URL), rate limits raised for the load. Prints one `READY <json>` line with
// its URL, a site key and the pids whose memory the benchmark samples; stops cleanly when stdin closes.
// Optional second argument: another checkout of this repository (the baseline of the same run, `BENCH_BASELINE`)
// whose server and embedded database are run instead; the driver's command monitoring is this checkout's.
// Each `COUNT` line on stdin is answered with the database commands issued since the previous one, as JSON.
// `PROFILE START` starts a CPU profile of this process (the inspector's sampling profiler), `PROFILE STOP <file>` writes
// it as a `.cpuprofile` (Chrome DevTools, speedscope) and answers `PROFILED`; bench:server sends them with
// BENCH_SERVER_PROFILE.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { connectMongo, pingDatabase } from '../../server/db/database.js';

const [baseUrl, rootArg] = process.argv.slice(2);
if (!baseUrl) throw new Error('usage: serverProcess.ts <fake model url> [repository root]');
const root = rootArg ? resolve(rootArg) : resolve(import.meta.dirname, '../..');
const load = <T>(path: string): Promise<T> => import(pathToFileURL(join(root, path)).href) as Promise<T>;
const { loadConfig } = await load<typeof import('../../server/config.js')>('server/config.ts');
const { createServer } = await load<typeof import('../../server/createServer.js')>('server/createServer.ts');
const { GENEROUS_LIMITS } = await load<typeof import('../../server/http/middleware/rateLimits.js')>(
  'server/http/middleware/rateLimits.ts',
);
const { startEmbeddedDatabase } = await load<typeof import('../../server/db/embedded.js')>('server/db/embedded.ts');
const { ensureFerretdbBinary } = await load<typeof import('../../server/db/ferretdbBinary.js')>('server/db/ferretdbBinary.ts');

const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-bench-server-'));
const embedded = process.env.MONGODB_URI ? null : await startEmbeddedDatabase({ binary: ensureFerretdbBinary(), dataDir });
const uri = embedded
  ? embedded.uri('bench_server')
  : Object.assign(new URL(process.env.MONGODB_URI as string), { pathname: `/bench_server_${process.pid}` }).toString();
const connection = await connectMongo(uri, { monitorCommands: true });
await connection.dropDatabase();
let commands: Record<string, number> = {};
connection.getClient().on('commandStarted', (event) => {
  const target = event.command[event.commandName];
  const key = `${event.commandName} ${typeof target === 'string' ? target : ''}`;
  commands[key] = (commands[key] ?? 0) + 1;
});

const config = loadConfig({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  PORT: '0',
  GEMINI_API_KEY: 'bench-key',
  GEMINI_MODEL: 'gemini-2.5-flash',
  GEMINI_BASE_URL: baseUrl,
});
const server = await createServer(config, {
  database: { connection, ping: (timeoutMs) => pingDatabase(connection, timeoutMs) },
  // Every stream of the load comes from one address; the limits are per minute.
  rateLimits: GENEROUS_LIMITS,
  staticDirs: null,
  demoSite: false,
});
const web = await server.listen();
// Every send of every level calls the model: the default daily cap (1,000 calls) ran out during the 1,000-stream level,
// and every later answer came from the offline FAQ, never the model. bench/server.ts checks the fake's count.
const site = await server.services.sites.create('bench', { name: 'Bench', allowedOrigins: [], dailyModelCalls: 1_000_000 });
process.stdout.write(
  `READY ${JSON.stringify({ url: web.url, siteKey: site.publicKey, pid: process.pid, databasePid: embedded?.pid ?? null })}\n`,
);
let profiler: Session | null = null;
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line === 'COUNT') {
    process.stdout.write(`COUNT ${JSON.stringify(commands)}\n`);
    commands = {};
  } else if (line === 'PROFILE START') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  } else if (line.startsWith('PROFILE STOP ') && profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(line.slice('PROFILE STOP '.length), JSON.stringify(profile));
    profiler.disconnect();
    profiler = null;
    process.stdout.write('PROFILED\n');
  }
});
process.stdin.on('end', async () => {
  await server.stop(1000);
  await connection.close().catch(() => {});
  await embedded?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
