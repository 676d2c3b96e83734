// The embedded database's cost curve (issue 9): seeds 10k, 100k and 1M messages with bulk inserts and times, at each
// size, the send path's database work and every read the widget and the dashboard make, through the real domain
// services. Prints tables and writes bench/results/data.json. Set MONGODB_URI to run the same against MongoDB.
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Types } from 'mongoose';
import { ConversationListQuery, ImageListQuery } from '../contract/admin.js';
import type { ChatModel } from '../server/ai/ChatModel.js';
import { type DayCounts, dailyCountRepository } from '../server/data/dailyCountRepository.js';
import type { SiteRecord } from '../server/data/siteRepository.js';
import { type MonitoredCommand, recordCommands } from '../server/db/commandMonitor.js';
import type { MessageDoc } from '../server/db/models/message.js';
import { createServices } from '../server/domain/createServices.js';
import { isOver } from '../server/domain/statsService.js';
import type { VisitorIdentity } from '../server/domain/visitorTokens.js';
import { LocalImageStorage } from '../server/images/localImageStorage.js';
import { toModelImage } from '../server/images/normalizeImage.js';
import { openBenchDatabase } from './lib/benchDatabase.js';
import {
  assertShapes,
  type SeedCounts,
  type SeededConversation,
  type SeededDays,
  seedConversations,
} from './lib/seedConversations.js';
import { machine, ms, percentile, table } from './lib/stats.js';

const STARTED = Date.now();
/**
 * Seeding stops after this many minutes (BENCH_DATA_SEED_MINUTES, 10.5 by default: the whole command within 15 minutes
 * on a quiet machine), so the last size can still be measured; a loaded machine needs more to reach 1,000,000.
 */
const SEED_MINUTES = Number(process.env.BENCH_DATA_SEED_MINUTES ?? 10.5);
const SEED_DEADLINE = STARTED + SEED_MINUTES * 60_000;
// Conversations of 10 messages each → 10k, 100k, 1M messages (BENCH_DATA_CONVERSATIONS=1000,10000 for a shorter run).
const SIZES = (process.env.BENCH_DATA_CONVERSATIONS ?? '1000,10000,100000').split(',').map(Number);
const TENANTS = 10;
const RUNS = 5;
const SEND_RUNS = 10;
const SKIP_AFTER_MS = 10_000;
const SEND_GOAL_MS = 100;
const FIRST_PAGE_GOAL_MS = 1000;

/** A model that answers one token at once: what remains of a send is the server's own (database) work. */
const instantModel: ChatModel = {
  name: 'instant',
  async *stream() {
    yield 'ok';
    return { finishReason: 'stop', usage: { inputTokens: 1, outputTokens: 1 }, model: 'instant' };
  },
};

interface QueryResult {
  name: string;
  runs: number[];
  p50: number | null;
  p99: number | null;
  note?: string;
}
interface SizeResult {
  targetMessages: number;
  counts: SeedCounts;
  seedMs: number;
  partial: boolean;
  queries: QueryResult[];
  skippedAfter: string | null;
  /** One more send, with each database command it issued and its duration. */
  sendCommands: MonitoredCommand[];
  /** Each read once through FerretDB with its pushdown disabled (the same data; see `measureBaseline`). */
  baseline?: QueryResult[];
  /** Each read through another FerretDB build (`BENCH_DATA_COMPARE_BIN`), pushdown on, on the same data. */
  compared?: QueryResult[];
}

const db = await openBenchDatabase('data');
const storage = new LocalImageStorage({ dir: join(db.dataDir, 'images') });
const servicesOn = (models: typeof db.models) =>
  createServices({
    models,
    model: instantModel,
    visitorTokenSecret: 'bench-visitor-token-secret-0123456789abcdef',
    storage,
    readImage: (stored) => storage.read(stored),
    toModelImage,
  });
const services = servicesOn(db.models);
// The same domain over a monitored connection: one extra send per size, broken down command by command.
const monitored = await db.connectMonitored();
const monitoredServices = servicesOn(monitored.models);
const loader = (await db.connectForBulkLoad()).models;
const sites: SiteRecord[] = [];
for (let t = 0; t < TENANTS; t++)
  sites.push(await services.sites.create(`tenant-${t}`, { name: `Shop ${t}`, allowedOrigins: ['https://shop.example.com'] }));
await assertShapes(db.models, sites[0] as SiteRecord);

const site = sites[0] as SiteRecord;
const tenantId = site.tenantId;
const all: SeededConversation[] = [];
const total: SeedCounts = { conversations: 0, messages: 0, images: 0, visitors: 0 };
const results: SizeResult[] = [];
/** What every seeded day holds, per tenant and site (all sizes so far). */
const seededDays: SeededDays = new Map();
const day = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString().slice(0, 10);
let sendCounter = 0;

const visitorOf = (c: SeededConversation): VisitorIdentity => ({
  visitorId: c.visitorId,
  siteId: c.siteId,
  tenantId: c.tenantId,
  userId: null,
});
/** A conversation of tenant 0 picked evenly across the seeded ones (never the 200-message one). */
const pick = (run: number) => {
  const own = all.filter((c, i) => i > 0 && c.tenantId === tenantId);
  return own[Math.floor(((run + 0.5) * own.length) / SEND_RUNS) % own.length] as SeededConversation;
};
type Services = typeof services;
const adminList = (query: Record<string, string>) => (_i: number, s: Services) =>
  s.conversations.listForAdmin(tenantId, ConversationListQuery.parse({ limit: '25', ...query }));

const sendOnce = async (i: number, through = services) => {
  const conversation = pick(i);
  const events = through.chat.send(
    visitorOf(conversation),
    sites.find((s) => s.id === conversation.siteId) as SiteRecord,
    conversation.id,
    { text: 'Is there any news about my order?', imageIds: [], clientMessageId: `bench-${++sendCounter}` },
    new AbortController().signal,
  );
  for await (const event of events) if (event.event === 'error') throw new Error(JSON.stringify(event.data));
};

// Cheapest first (conversations and images are 10× and 100× smaller than messages), so the 10 s rule skips as
// little as possible; the two goals (send path, dashboard first page) come first.
const longest = () => all[0] as SeededConversation;
/** The cursor of the 200-message conversation's second page (from its first), for the page-back reads. */
let pageBack: string | undefined;
const secondPage = async (s: Services) => {
  pageBack ??=
    (await s.conversations.messagesForVisitor(visitorOf(longest()), longest().id, { limit: 50 })).nextCursor ?? undefined;
  return pageBack;
};
/**
 * Rates (up, down, taken back in turn) the last answer of a conversation of tenant 0 stored on a finished day: a late
 * rating, which makes the stats count that day's ratings again.
 */
const lateRating = async (i: number, s: Services) => {
  const own = all.filter((c) => c.tenantId === tenantId);
  for (let next = i; next < i + 100; next++) {
    // Conversations the sends above did not pick (their last answers are today's).
    const conversation = own[(next * 7919 + 13) % own.length] as SeededConversation;
    const answer = await db.models.Message.findOne({
      tenantId,
      conversationId: new Types.ObjectId(conversation.id),
      role: 'assistant',
    })
      .sort({ createdAt: 1 })
      .lean<MessageDoc>();
    if (!answer || !isOver(answer.day, new Date())) continue;
    const rating = (['up', 'down', null] as const)[i % 3] ?? null;
    await s.repos.messages.setFeedback(
      { id: String(answer._id), tenantId, siteId: String(answer.siteId), createdAt: answer.createdAt },
      rating,
      new Date(),
    );
    return;
  }
  throw new Error('no answer of a finished day to rate');
};
const stats30 = (_i: number, s: Services) => s.stats.get(tenantId, { days: 30 });
const queries: {
  name: string;
  runs: number;
  run: (i: number, s: Services) => Promise<unknown>;
  /** Done before each run, not timed. */
  prepare?: (i: number, s: Services) => Promise<unknown>;
}[] = [
  { name: 'send path DB work (whole send, instant model)', runs: SEND_RUNS, run: sendOnce },
  { name: 'dashboard first page (25)', runs: RUNS, run: adminList({}) },
  { name: 'filter siteId', runs: RUNS, run: adminList({ siteId: site.id }) },
  { name: 'filter date range (7 days)', runs: RUNS, run: adminList({ from: day(7), to: day(0) }) },
  { name: 'filter hasImages', runs: RUNS, run: adminList({ hasImages: 'true' }) },
  { name: 'filter rating up', runs: RUNS, run: adminList({ rating: 'up' }) },
  // The worst case (no conversation of tenant 0 holds it: every one of its days is read) and a typical word (1 %).
  { name: 'search q "warranty"', runs: RUNS, run: adminList({ q: 'warranty' }) },
  { name: 'search q "receipt" (1 %)', runs: RUNS, run: adminList({ q: 'receipt' }) },
  {
    name: 'images list (40)',
    runs: RUNS,
    run: (_i, s) => s.images.listForAdmin(tenantId, ImageListQuery.parse({ limit: '40' })),
  },
  {
    name: 'widget: latest conversation (list, limit 1)',
    runs: RUNS,
    run: (i, s) => s.conversations.listForVisitor(visitorOf(pick(i)), { limit: 1 }),
  },
  {
    name: 'widget: history (latest 50 messages)',
    runs: RUNS,
    run: (i, s) => s.conversations.messagesForVisitor(visitorOf(pick(i)), pick(i).id, { limit: 50 }),
  },
  {
    name: 'history page back (50, cursor), 200 messages',
    runs: RUNS,
    run: async (_i, s) =>
      s.conversations.messagesForVisitor(visitorOf(longest()), longest().id, { limit: 50, cursor: await secondPage(s) }),
  },
  {
    name: 'admin: conversation page, 200 messages',
    runs: RUNS,
    run: (_i, s) => s.conversations.getForAdmin(tenantId, longest().id),
  },
  { name: 'stats (30 days)', runs: RUNS, run: stats30 },
  { name: 'stats (30 days) after a late rating', runs: RUNS, run: stats30, prepare: lateRating },
  {
    name: 'stats (30 days), ratings never kept before',
    runs: RUNS,
    run: stats30,
    // The tenant's kept ratings (`dailycounts` of `day` "rated") dropped: the read counts every rating ever given.
    prepare: () => db.models.DailyCount.deleteMany({ tenantId, day: 'rated' }),
  },
];

/**
 * Each size also times every read once through a FerretDB with pushdown disabled, on the same files. A read that
 * passes 10 s is given up (that FerretDB is stopped, and started again for the next read) and shown as "> 10 s", so the
 * baseline reaches every read and every size in bounded time.
 */
const baselineOn = !process.env.MONGODB_URI;
/**
 * `BENCH_DATA_COMPARE_BIN`: another FerretDB binary (e.g. the previous build, `~/.cache/chatwidget/ferretdb-…-p4/ferretdb`);
 * each size then also times every read `RUNS` times through it, pushdown on, on the same files: a before and after
 * of a build in one run.
 */
const compareBin = process.env.MONGODB_URI ? undefined : process.env.BENCH_DATA_COMPARE_BIN;
const compareLabel = compareBin ? basename(dirname(compareBin)) : '';
async function measureThrough(
  label: string,
  connect: () => ReturnType<typeof db.connectWithoutPushdown>,
  runs: number,
): Promise<QueryResult[]> {
  let other = await connect();
  const measured: QueryResult[] = [];
  try {
    // Reads only: the send path is flat either way (it reaches its documents by `_id`).
    for (const query of queries.slice(1)) {
      const took: number[] = [];
      let outcome: 'done' | 'failed' | 'timeout' = 'done';
      for (let i = 0; i < runs && outcome === 'done' && other; i++) {
        await query.prepare?.(i, servicesOn(other.models));
        const t = performance.now();
        let timer: NodeJS.Timeout | undefined;
        outcome = await Promise.race([
          query.run(i, servicesOn(other.models)).then(
            () => 'done' as const,
            () => 'failed' as const,
          ),
          new Promise<'timeout'>((resolve) => {
            timer = setTimeout(() => resolve('timeout'), SKIP_AFTER_MS);
          }),
        ]);
        clearTimeout(timer);
        if (outcome === 'done') took.push(performance.now() - t);
      }
      if (!other) return measured;
      if (outcome === 'done') {
        const p50 = percentile(took, 50);
        const p99 = percentile(took, 99);
        measured.push({ name: query.name, runs: took, p50, p99 });
        console.log(`  ${label}: ${query.name.padEnd(46)} p50 ${ms(p50).padStart(8)}  p99 ${ms(p99).padStart(8)}`);
        continue;
      }
      measured.push({ name: query.name, runs: [], p50: null, p99: null, note: outcome === 'timeout' ? '> 10 s' : 'failed' });
      console.log(`  ${label}: ${query.name.padEnd(46)} ${outcome === 'timeout' ? '> 10 s' : 'failed'}`);
      await other.stop();
      other = await connect();
    }
  } finally {
    await other?.stop();
  }
  return measured;
}
const measureBaseline = () => measureThrough('no pushdown', () => db.connectWithoutPushdown(), 1);

/**
 * The bulk load wrote into finished days behind the repositories' back, so their kept counts are replaced by what the
 * seeded days, hours and ten minutes hold, as the stats would have kept them as they went (a site in use has every
 * finished day, hour of today and ten minutes of the open hour kept; the stats then count only the open ten
 * minutes). The ratings of tenant 0's finished days are then counted and kept by one stats read (not timed), as a site
 * in use has them kept day by day; the row "ratings never kept before" times that count.
 */
async function keepSeededDays() {
  await db.models.DailyCount.deleteMany({});
  const at = new Date();
  const bySite = new Map<string, Map<string, DayCounts>>();
  const add = (key: string, period: string, counts: DayCounts) => {
    const periods = bySite.get(key) ?? new Map<string, DayCounts>();
    const sum = periods.get(period) ?? { conversations: 0, messages: 0, images: 0 };
    for (const k of ['conversations', 'messages', 'images'] as const) sum[k] += counts[k];
    periods.set(period, sum);
    bySite.set(key, periods);
  };
  for (const [key, counts] of seededDays) {
    const [tenant, siteId, slot] = key.split('|') as [string, string, string];
    const period = [slot.slice(0, 10), slot.slice(0, 13), slot].find((p) => isOver(p, at));
    if (!period) continue;
    add(`${tenant}|${siteId}`, period, counts);
    add(`${tenant}|*`, period, counts);
  }
  const kept = dailyCountRepository(db.models);
  for (const [key, periods] of bySite) {
    const [tenant, siteId] = key.split('|') as [string, string];
    await kept.keep(tenant, siteId === '*' ? undefined : siteId, periods);
  }
  await services.stats.get(tenantId, { days: 1 });
}

async function measure(target: number): Promise<SizeResult> {
  const before = total.messages;
  const seedStart = performance.now();
  // Bulk loads build their indexes once at the end (as a restore would): SQLite then sorts each index once instead of
  // updating a dozen expression indexes per inserted row.
  const bulk = [loader.Message, loader.Conversation, loader.Image, loader.Visitor];
  for (const model of bulk) await model.collection.dropIndexes();
  const { counts, seeded, stopped } = await seedConversations(
    loader,
    sites,
    total.conversations,
    target - total.conversations,
    () => Date.now() > SEED_DEADLINE,
    seededDays,
  );
  for (const model of bulk) await (model as typeof loader.Message).createIndexes();
  await keepSeededDays();
  const seedMs = performance.now() - seedStart;
  all.push(...seeded);
  for (const key of Object.keys(total) as (keyof SeedCounts)[]) total[key] += counts[key];
  console.log(
    `\nseeded ${(total.messages - before).toLocaleString('en')} messages in ${ms(seedMs)} → ${total.messages.toLocaleString('en')} messages, ` +
      `${total.conversations.toLocaleString('en')} conversations, ${total.images.toLocaleString('en')} images` +
      (stopped ? ' (stopped by the time budget)' : ''),
  );
  const result: SizeResult = {
    targetMessages: target * 10,
    counts: { ...total },
    seedMs,
    partial: stopped,
    queries: [],
    skippedAfter: null,
    sendCommands: [],
  };
  for (const query of queries) {
    if (result.skippedAfter) {
      result.queries.push({ name: query.name, runs: [], p50: null, p99: null, note: 'skipped' });
      continue;
    }
    const runs: number[] = [];
    for (let i = 0; i < query.runs; i++) {
      await query.prepare?.(i, services);
      const t = performance.now();
      await query.run(i, services);
      runs.push(performance.now() - t);
      if ((runs[runs.length - 1] as number) > SKIP_AFTER_MS) {
        result.skippedAfter = query.name;
        break;
      }
    }
    const entry = { name: query.name, runs, p50: percentile(runs, 50), p99: percentile(runs, 99) };
    result.queries.push(entry);
    console.log(
      `  ${query.name.padEnd(46)} p50 ${ms(entry.p50).padStart(8)}  p99 ${ms(entry.p99).padStart(8)}  (${runs.length} runs)`,
    );
    if (query === queries[0] && !result.skippedAfter) {
      result.sendCommands = await recordCommands(monitored.connection, () => sendOnce(SEND_RUNS + 1, monitoredServices));
      const line = result.sendCommands.map((c) => `${c.command} ${c.collection} ${ms(c.ms)}`).join(', ');
      console.log(`    one send, command by command: ${line}`);
    }
  }
  if (result.skippedAfter) console.log(`  "${result.skippedAfter}" passed 10 s: the remaining queries of this size were skipped`);
  if (baselineOn) result.baseline = await measureBaseline();
  if (compareBin) result.compared = await measureThrough(compareLabel, () => db.connectThrough(compareBin), RUNS);
  return result;
}

/** Where a cost crosses `limit`, interpolated linearly in the number of messages between two measured sizes. */
function crossing(name: string, limit: number) {
  const points = results
    .map((r) => ({ n: r.counts.messages, v: r.queries.find((q) => q.name === name)?.p50 ?? null }))
    .filter((p): p is { n: number; v: number } => p.v !== null && Number.isFinite(p.v));
  const over = points.findIndex((p) => p.v > limit);
  if (over === 0) return { measured: `already at ${points[0]?.n.toLocaleString('en')} messages`, estimate: null };
  const [a, b] = over > 0 ? [points[over - 1], points[over]] : points.slice(-2);
  if (!a || !b || b.v <= a.v)
    return { measured: `not crossed up to ${points.at(-1)?.n.toLocaleString('en')} messages`, estimate: null };
  const estimate = Math.round(a.n + ((limit - a.v) * (b.n - a.n)) / (b.v - a.v));
  return over > 0
    ? { measured: `between ${a.n.toLocaleString('en')} and ${b.n.toLocaleString('en')} messages`, estimate }
    : { measured: `not crossed up to ${b.n.toLocaleString('en')} messages`, estimate };
}

try {
  for (const size of SIZES) {
    results.push(await measure(size));
    if (results.at(-1)?.partial) break;
  }
} finally {
  await db.stop();
}

const header = [
  'query (tenant 0 of 10; p50 / p99)',
  ...results.flatMap((r) => {
    const size = `${r.counts.messages.toLocaleString('en')} msgs${r.partial ? '*' : ''}`;
    return [
      size,
      ...(r.baseline?.length ? [`${size} no pushdown`] : []),
      ...(r.compared?.length ? [`${size} ${compareLabel}`] : []),
    ];
  }),
];
const rows = queries.map((q) => [
  q.name,
  ...results.flatMap((r) => {
    const found = r.queries.find((x) => x.name === q.name);
    const cell = !found || found.p50 === null ? 'skipped' : `${ms(found.p50)} / ${ms(found.p99 ?? Number.NaN)}`;
    const base = r.baseline?.find((x) => x.name === q.name);
    const compared = r.compared?.find((x) => x.name === q.name);
    return [
      cell,
      ...(r.baseline?.length ? [base?.p50 != null ? ms(base.p50) : (base?.note ?? '–')] : []),
      ...(r.compared?.length
        ? [compared?.p50 != null ? `${ms(compared.p50)} / ${ms(compared.p99 ?? Number.NaN)}` : (compared?.note ?? '–')]
        : []),
    ];
  }),
]);
rows.unshift([
  'seeding (bulk inserts, this step)',
  ...results.flatMap((r) => [ms(r.seedMs), ...(r.baseline?.length ? [''] : []), ...(r.compared?.length ? [''] : [])]),
]);
console.log(`\n${table([header, ...rows])}`);
if (results.some((r) => r.partial))
  console.log(
    `* seeding stopped by its ${SEED_MINUTES}-minute budget (BENCH_DATA_SEED_MINUTES) at ${results.at(-1)?.counts.messages.toLocaleString('en')} messages, short of 1,000,000; the crossings below are interpolated between measured sizes`,
  );
const send = crossing(queries[0]?.name ?? '', SEND_GOAL_MS);
const firstPage = crossing(queries[1]?.name ?? '', FIRST_PAGE_GOAL_MS);
const estimate = (e: number | null) =>
  e === null ? '' : ` (linear estimate from the two nearest sizes: ~${e.toLocaleString('en')} messages)`;
console.log(`\nsend path DB work crosses ${SEND_GOAL_MS} ms (p50): ${send.measured}${estimate(send.estimate)}`);
console.log(
  `dashboard first page crosses ${FIRST_PAGE_GOAL_MS / 1000} s (p50): ${firstPage.measured}${estimate(firstPage.estimate)}`,
);
console.log(`total time ${ms(Date.now() - STARTED)}`);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/data.json',
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      machine: await machine(),
      database: process.env.MONGODB_URI ? 'MongoDB (MONGODB_URI)' : 'embedded FerretDB v1.24.2 (SQLite)',
      runs: { perQuery: RUNS, send: SEND_RUNS },
      sizes: results,
      crossings: { sendPath100ms: send, dashboardFirstPage1s: firstPage },
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/data.json');
