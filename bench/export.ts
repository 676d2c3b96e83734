// The conversation export (issue 19): seeds 100,000 messages (bulk inserts, large batches) into one site and 10,000
// into a second site of the same tenant, then downloads `GET /v1/admin/exports/conversations?siteId=…` in each format
// through the real server (createServer, the embedded database) while sampling the process's RSS. Baselines of the
// same run: the idle process (RSS), the same messages read by a bare database cursor (time), and the tenth-size export
// (flat memory means the 100,000-message export peaks where the 10,000-message one does), and each download again
// with forced collections every 250 ms (the live memory, garbage aside). Prints the tables and writes
// bench/results/export.json. BENCH_EXPORT_CONVERSATIONS sets the large size (conversations of 10 messages, the
// first of 200: 9,981 make 100,000); the small site has a tenth of them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { loadConfig } from '../server/config.js';
import { createServer } from '../server/createServer.js';
import { pingDatabase } from '../server/db/database.js';
import { openBenchDatabase } from './lib/benchDatabase.js';
import { assertShapes, seedConversations } from './lib/seedConversations.js';
import { machine, ms, processCpuMs, table } from './lib/stats.js';

const CONVERSATIONS = Number(process.env.BENCH_EXPORT_CONVERSATIONS ?? 9_981);
const SMALL = Math.round(CONVERSATIONS / 10);
const FORMATS = ['csv', 'ndjson', 'json'] as const;
const SAMPLE_MS = 50;
const LIVE_SAMPLE_MS = 250;
const GOAL_S = 30;
const ADMIN_TOKEN = 'bench-export-admin-token-0123456789';

const MiB = 2 ** 20;
const rssOf = (pid: number | null | undefined): number | null => {
  if (!pid) return null;
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
  } catch {
    return null;
  }
};
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/** CPU seconds a process has used (user + system); null where unknown (MongoDB, not Linux). */
const cpuOf = (pid: number | null | undefined): number | null => {
  const cpuMs = processCpuMs(pid);
  return Number.isNaN(cpuMs) ? null : cpuMs / 1000;
};

/**
 * Runs `work` while sampling this process's RSS (and the database's) every SAMPLE_MS; also the CPU seconds this process
 * (server and client) and the database used meanwhile, which a loaded machine changes less than the wall time.
 */
async function sampled<T>(work: (progress: (bytes: number) => void) => Promise<T>, databasePid: number | null) {
  const samples: { at: number; rss: number; heap: number; bytes: number; databaseRss: number | null }[] = [];
  let bytes = 0;
  const cpuStart = { own: process.cpuUsage(), database: cpuOf(databasePid) };
  const start = performance.now();
  const take = () =>
    samples.push({
      at: performance.now() - start,
      rss: process.memoryUsage.rss(),
      heap: process.memoryUsage().heapUsed,
      bytes,
      databaseRss: rssOf(databasePid),
    });
  take();
  const timer = setInterval(take, SAMPLE_MS);
  try {
    const result = await work((n) => {
      bytes = n;
    });
    take();
    const own = process.cpuUsage(cpuStart.own);
    const database = cpuOf(databasePid);
    const cpu = {
      process: (own.user + own.system) / 1e6,
      database: database === null || cpuStart.database === null ? null : database - cpuStart.database,
    };
    return { result, seconds: (performance.now() - start) / 1000, samples, cpu };
  } finally {
    clearInterval(timer);
  }
}

const db = await openBenchDatabase('export');
const dataDir = join(db.dataDir, 'server');
mkdirSync(dataDir, { recursive: true });
const server = await createServer(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0', ADMIN_TOKEN }), {
  database: { connection: db.connection, ping: (timeoutMs) => pingDatabase(db.connection, timeoutMs) },
  staticDirs: null,
  demoSite: false,
});
const web = await server.listen();
// The local admin's tenant, whose token the downloads use.
const site = await server.services.sites.create('local', { name: 'Export', allowedOrigins: [] });
const small = await server.services.sites.create('local', { name: 'Export, a tenth', allowedOrigins: [] });
await assertShapes(db.models, site);

// Bulk loads build their indexes once at the end (as a restore would; see bench/data.ts).
const seedStart = performance.now();
const bulk = [db.models.Message, db.models.Conversation, db.models.Image, db.models.Visitor];
for (const model of bulk) await model.collection.dropIndexes();
const { counts } = await seedConversations(db.models, [site], 0, CONVERSATIONS);
const { counts: smallCounts } = await seedConversations(db.models, [small], CONVERSATIONS, SMALL);
for (const model of bulk) await (model as typeof db.models.Message).createIndexes();
const seedMs = performance.now() - seedStart;
console.log(
  `seeded ${counts.messages.toLocaleString('en')} messages in ${counts.conversations.toLocaleString('en')} conversations ` +
    `(${counts.images.toLocaleString('en')} images), and ${smallCounts.messages.toLocaleString('en')} in a second site, in ${ms(seedMs)}`,
);

// Baseline 1: the idle process, after a collection.
gc();
await new Promise((resolve) => setTimeout(resolve, 500));
gc();
const idle = { rss: process.memoryUsage.rss(), heap: process.memoryUsage().heapUsed, databaseRss: rssOf(db.embedded?.pid) };

// Baseline 2: the same messages through a bare cursor (no conversations, no views, no HTTP): the database's floor.
const raw = await sampled(async (progress) => {
  let n = 0;
  for await (const _message of db.models.Message.collection
    .find({ tenantId: site.tenantId, siteId: new Types.ObjectId(site.id) })
    .batchSize(1000)) {
    n++;
    if (n % 1000 === 0) progress(n);
  }
  return n;
}, db.embedded?.pid ?? null);

interface FormatResult {
  format: string;
  messages: number;
  seconds: number;
  bytes: number;
  records: number;
  peakRss: number;
  /** The peak above the RSS sampled once the first tenth of the file had arrived: growth during the export. */
  growthAfterFirstTenth: number;
  peakHeap: number;
  peakDatabaseRss: number | null;
  /** CPU seconds used during the download by this process (server and client) and by the database. */
  cpu: { process: number; database: number | null };
  status: number;
}

/** Downloads one export through the server, counting it as it arrives (nothing kept). */
async function download(format: (typeof FORMATS)[number], siteId: string, progress: (bytes: number) => void = () => {}) {
  const response = await fetch(`${web.url}/v1/admin/exports/conversations?format=${format}&siteId=${siteId}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  if (!response.body) throw new Error(`no body: ${response.status}`);
  // Records are the file's lines (CSV rows have no line breaks in this data).
  let bytes = 0;
  let newlines = 0;
  let last = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    bytes += chunk.byteLength;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    last = chunk[chunk.byteLength - 1] ?? last;
    progress(bytes);
  }
  return { status: response.status, bytes, lines: newlines + (last === 10 ? 0 : 1) };
}

/**
 * Live memory through a download: what a forced full collection leaves every LIVE_SAMPLE_MS (the JS heap plus the
 * buffers outside it), against what it left just before. Garbage not yet collected is in the RSS and heap peaks, not
 * here: an export whose memory is bounded shows the same growth at 10,000 and 100,000 messages.
 */
async function liveMemory(work: () => Promise<unknown>) {
  const live = () => {
    gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    return heapUsed + arrayBuffers;
  };
  const start = live();
  const samples = [start];
  const timer = setInterval(() => samples.push(live()), LIVE_SAMPLE_MS);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const end = live();
  return { start, peakGrowth: Math.max(...samples) - start, endGrowth: end - start, samples: samples.length };
}

const results: FormatResult[] = [];
for (const format of FORMATS)
  for (const [target, messages] of [
    [small, smallCounts.messages],
    [site, counts.messages],
  ] as const) {
    gc();
    const run = await sampled((progress) => download(format, target.id, progress), db.embedded?.pid ?? null);
    const { status, bytes, lines } = run.result;
    const tenth = run.samples.find((s) => s.bytes >= bytes / 10) ?? run.samples[0];
    const peakRss = Math.max(...run.samples.map((s) => s.rss));
    const databaseSamples = run.samples.map((s) => s.databaseRss).filter((v): v is number => v !== null);
    results.push({
      format,
      messages,
      seconds: run.seconds,
      bytes,
      // CSV: a header row then one row per message; NDJSON: one line per conversation; JSON: one array.
      records: format === 'csv' ? lines - 1 : format === 'ndjson' ? lines : 1,
      peakRss,
      growthAfterFirstTenth: peakRss - (tenth?.rss ?? peakRss),
      peakHeap: Math.max(...run.samples.map((s) => s.heap)),
      peakDatabaseRss: databaseSamples.length ? Math.max(...databaseSamples) : null,
      cpu: run.cpu,
      status,
    });
  }

// Live memory: each download again, with forced collections (slower; its time is not the export's).
const live: { format: string; messages: number; start: number; peakGrowth: number; endGrowth: number; samples: number }[] = [];
if (typeof (globalThis as { gc?: unknown }).gc === 'function')
  for (const format of FORMATS)
    for (const [target, messages] of [
      [small, smallCounts.messages],
      [site, counts.messages],
    ] as const)
      live.push({ format, messages, ...(await liveMemory(() => download(format, target.id))) });

const mib = (v: number | null, digits = 0) => (v === null ? '–' : `${(v / MiB).toFixed(digits)} MiB`);
const cpuCell = (cpu: { process: number; database: number | null }) =>
  `${cpu.process.toFixed(1)} + ${cpu.database === null ? '–' : cpu.database.toFixed(1)} s`;
console.log(
  `\n${table([
    [
      '',
      'time',
      'goal',
      'CPU: process + database',
      'file',
      'records',
      'peak RSS',
      'above idle',
      'growth after 1st tenth',
      'peak heap',
      'database RSS',
    ],
    ['baseline: idle process', '–', '', '', '', '', mib(idle.rss), '0 MiB', '', mib(idle.heap), mib(idle.databaseRss)],
    [
      'baseline: bare cursor over the messages',
      `${raw.seconds.toFixed(1)} s`,
      '',
      cpuCell(raw.cpu),
      '',
      raw.result.toLocaleString('en'),
      mib(Math.max(...raw.samples.map((s) => s.rss))),
      mib(Math.max(...raw.samples.map((s) => s.rss)) - idle.rss),
      '',
      mib(Math.max(...raw.samples.map((s) => s.heap))),
      mib(Math.max(...raw.samples.map((s) => s.databaseRss ?? 0)) || null),
    ],
    ...results.map((r) => [
      `export ${r.format}, ${r.messages.toLocaleString('en')} messages${r.status === 200 ? '' : ` (HTTP ${r.status})`}`,
      `${r.seconds.toFixed(1)} s`,
      r.messages < counts.messages ? '' : r.seconds < GOAL_S ? `✅ < ${GOAL_S} s` : `❌ ≥ ${GOAL_S} s`,
      cpuCell(r.cpu),
      mib(r.bytes),
      r.records.toLocaleString('en'),
      mib(r.peakRss),
      mib(r.peakRss - idle.rss),
      mib(r.growthAfterFirstTenth),
      mib(r.peakHeap),
      mib(r.peakDatabaseRss),
    ]),
  ])}`,
);
if (live.length)
  console.log(
    `\n${table([
      ['live memory (heap + buffers after a forced collection)', 'before', 'peak growth', 'growth at the end', 'samples'],
      ...live.map((l) => [
        `export ${l.format}, ${l.messages.toLocaleString('en')} messages`,
        mib(l.start),
        mib(l.peakGrowth, 1),
        mib(l.endGrowth, 1),
        String(l.samples),
      ]),
    ])}`,
  );
else console.log('\n(live memory not measured: run with --expose-gc, as npm run bench:export does)');
console.log(
  `(records: CSV rows, NDJSON lines, the JSON array; RSS and CPU "process" are this process: the server and the client reading the file, RSS sampled every ${SAMPLE_MS} ms; machine load average at the end: ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')})`,
);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/export.json',
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      machine: await machine(),
      database: process.env.MONGODB_URI ? 'MongoDB (MONGODB_URI)' : 'embedded FerretDB v1.24.2 (SQLite)',
      seeded: { ...counts, smallSite: smallCounts, seedMs: Math.round(seedMs) },
      goalSeconds: GOAL_S,
      baseline: {
        idle,
        bareCursor: {
          seconds: raw.seconds,
          messages: raw.result,
          peakRss: Math.max(...raw.samples.map((s) => s.rss)),
          cpu: raw.cpu,
        },
      },
      exports: results,
      liveMemory: live,
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/export.json');
await server.stop();
await db.stop();
