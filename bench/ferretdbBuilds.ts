// The database's CPU per send on two FerretDB builds (issue 18 section 2): the send path's 7 commands as a send issued
// them before the six-command send (4a9bf6c, which drops the conversation's find; kept so figures compare across
// builds and with those published; docs/send-path.md: a find of the conversation and of its window by `_id`, the in-flight entry inserted and
// deleted, the answer and its question inserted, the window and the conversation updated by `_id`), replayed against
// our build and against `BENCH_FERRETDB_BASELINE=<binary>` (e.g. the previous build from ~/.cache/chatwidget/), each in
// its own database folder with the real models' indexes. Rounds alternate between the two, so a change in the load of
// the machine falls on both; the CPU time each FerretDB process used (/proc) is divided by the sends, and so is this
// process's own during each build's rounds (the driver, for what a build tells it, e.g. sessions). Without the
// server in between it isolates what a build changes, which bench:server's sustained run (slices taking turns, the server's
// CPU beside it) shows only within its noise. Prints a table and writes bench/results/ferretdb-builds.json.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Types } from 'mongoose';
import { connectMongo } from '../server/db/database.js';
import { startEmbeddedDatabase } from '../server/db/embedded.js';
import { ensureFerretdbBinary } from '../server/db/ferretdbBinary.js';
import { createModels } from '../server/db/models/index.js';
import { machine, processCpuMs, table } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_FERRETDB_ROUNDS ?? 8);
const SENDS_PER_ROUND = Number(process.env.BENCH_FERRETDB_SENDS ?? 150);
const CLIENTS = 10;
const CONVERSATIONS = 20;
const DAY = '2026-12-03';
const SLOT = '2026-12-03T04:2';

/** A FerretDB of `binary` with the models' indexes and `CONVERSATIONS` conversations, and a function sending to them. */
async function openBuild(name: string, binary: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `chatwidget-bench-ferretdb-${name}-`));
  const embedded = await startEmbeddedDatabase({ binary, dataDir });
  const connection = await connectMongo(embedded.uri('bench_ferretdb'));
  await createModels(connection);
  const db = connection.db;
  if (!db) throw new Error('no database');
  const [conversations, windows, messages, streams] = ['conversations', 'conversationwindows', 'messages', 'streams'].map(
    (collection) => db.collection(collection),
  ) as [
    ReturnType<typeof db.collection>,
    ReturnType<typeof db.collection>,
    ReturnType<typeof db.collection>,
    ReturnType<typeof db.collection>,
  ];
  const siteId = new Types.ObjectId();
  const ids = Array.from({ length: CONVERSATIONS }, () => new Types.ObjectId());
  const held = new Map<string, { window: object[]; count: number }>();
  for (const _id of ids) {
    const at = new Date();
    await conversations.insertOne({
      _id,
      tenantId: 'tenant-1',
      siteId,
      visitorId: new Types.ObjectId(),
      title: 'How do I change my plan?',
      firstQuestion: 'How do I change my plan?',
      messageCount: 0,
      hasImages: false,
      thumbnailImageId: null,
      ratingUp: 0,
      ratingDown: 0,
      pageUrl: 'https://example.com/pricing',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      locale: 'en',
      user: null,
      mode: 'ai',
      assignee: null,
      waitingSince: null,
      unread: 0,
      email: null,
      lead: null,
      hasLead: false,
      searchText: 'how do i change my plan?',
      windowStamp: 's0',
      day: DAY,
      slot: SLOT,
      lastMessageAt: at,
      lastDay: DAY,
      createdAt: at,
      updatedAt: at,
    });
    await windows.insertOne({ _id, messages: [], stale: false, stamp: 's0', updatedAt: at });
    held.set(_id.toHexString(), { window: [], count: 0 });
  }
  let sent = 0;
  async function send(conversationId: Types.ObjectId) {
    const conversation = held.get(conversationId.toHexString()) as { window: object[]; count: number };
    const turn = sent++;
    const at = new Date();
    const message = (role: string, text: string) => ({
      _id: new Types.ObjectId(),
      role,
      text,
      images: [],
      status: 'complete',
      clientMessageId: `c-${turn}`,
      createdAt: at,
      updatedAt: at,
    });
    const question = message('user', `Question ${turn}: how do I change my plan, and what does the next one cost?`);
    const answer = message('assistant', 'An answer of a typical length, a few sentences long. '.repeat(10));
    const entry = new Types.ObjectId();
    await conversations.findOne({ _id: conversationId });
    await streams.insertOne({
      _id: entry,
      conversationId,
      owner: 'instance-1',
      leaseUntil: new Date(Date.now() + 15_000),
      question,
    });
    await windows.findOne({ _id: conversationId });
    const stored = { tenantId: 'tenant-1', siteId, conversationId, day: DAY, slot: SLOT };
    await messages.insertMany([question, answer].map((m) => ({ ...m, ...stored })));
    conversation.window = [...conversation.window, question, answer].slice(-51);
    conversation.count += 2;
    const stamp = `s${turn}`;
    await windows.updateOne(
      { _id: conversationId },
      { $set: { messages: conversation.window, stamp, stale: false, updatedAt: at } },
    );
    await conversations.updateOne(
      { _id: conversationId },
      {
        $set: {
          messageCount: conversation.count,
          lastMessageAt: at,
          lastDay: DAY,
          slot: SLOT,
          windowStamp: stamp,
          searchText: `how do i change my plan? question ${turn}`,
          countedAnswers: [String(answer._id)],
          updatedAt: at,
        },
      },
    );
    await streams.deleteMany({ _id: { $in: [entry] } });
  }
  /** `count` sends from `CLIENTS` clients back to back, spread over the conversations. */
  async function sends(count: number) {
    let started = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        while (started < count) {
          started++;
          await send(ids[(client + started) % CONVERSATIONS] as Types.ObjectId);
        }
      }),
    );
  }
  return {
    name,
    binary,
    pid: embedded.pid,
    sends,
    cpuMs: 0,
    driverCpuMs: 0,
    wallMs: 0,
    async stop() {
      await connection.close();
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const baselineBinary = process.env.BENCH_FERRETDB_BASELINE;
const builds = [await openBuild('ours', ensureFerretdbBinary())];
if (baselineBinary) builds.push(await openBuild('baseline', baselineBinary));
// Every window full (51 messages) before measuring, as in a conversation past its first turns.
for (const build of builds) await build.sends(CONVERSATIONS * 30);
const loads: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const build of round % 2 ? [...builds].reverse() : builds) {
    const cpuBefore = processCpuMs(build.pid);
    const driverBefore = process.cpuUsage();
    const started = performance.now();
    await build.sends(SENDS_PER_ROUND);
    build.wallMs += performance.now() - started;
    const driver = process.cpuUsage(driverBefore);
    build.driverCpuMs += (driver.user + driver.system) / 1000;
    build.cpuMs += processCpuMs(build.pid) - cpuBefore;
    loads.push(loadavg()[0] as number);
  }
}
const sends = ROUNDS * SENDS_PER_ROUND;
const rows = builds.map((build) => ({
  build: build.name,
  binary: build.binary,
  cpuMsPerSend: build.cpuMs / sends,
  driverCpuMsPerSend: build.driverCpuMs / sends,
  sendsPerSecond: sends / (build.wallMs / 1000),
}));
const ours = rows[0] as (typeof rows)[number];
console.log(
  `\nthe send's 7 commands (its shape before the six-command send), ${CLIENTS} clients back to back over ${CONVERSATIONS} conversations (windows full), ` +
    `${ROUNDS} alternating rounds of ${SENDS_PER_ROUND} sends per build; load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`,
);
console.log(
  table([
    ['build', 'database CPU per send', 'ours against it', 'driver CPU per send', 'ours against it', 'sends/s (database only)'],
    ...rows.map((row) => [
      `${row.build} (${row.binary.split('/').slice(-2, -1)[0] ?? row.binary})`,
      `${row.cpuMsPerSend.toFixed(2)} ms`,
      row === ours ? '' : `${((ours.cpuMsPerSend / row.cpuMsPerSend - 1) * 100).toFixed(0)} %`,
      `${row.driverCpuMsPerSend.toFixed(2)} ms`,
      row === ours ? '' : `${((ours.driverCpuMsPerSend / row.driverCpuMsPerSend - 1) * 100).toFixed(0)} %`,
      row.sendsPerSecond.toFixed(0),
    ]),
  ]),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/ferretdb-builds.json',
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: await machine(), rounds: ROUNDS, sendsPerRound: SENDS_PER_ROUND, loads, rows }, null, 2)}\n`,
);
console.log('wrote bench/results/ferretdb-builds.json');
for (const build of builds) await build.stop();
