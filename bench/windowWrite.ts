// A send's window write (issue 18 section 2): the window pushed (`$push` of the turn's question and answer, `$slice` to
// its capacity, with the conversation's copy) against the whole window written again (`$set` of its 51 messages and
// the copy, as before), through `conversationRepository.setRecentMessages` on the embedded database. Each write is a
// turn: the conversation's window, full, moves on by two bench-sized messages (a short question, a one-token answer,
// as bench:server's), 10 conversations written concurrently as concurrent sends write them. Rounds alternate between
// the two ways; per write, the database's CPU (from /proc) and this process's (the driver, BSON, the repository's
// mapping). The whole write is the baseline of the same run. Prints a table and writes bench/results/window-write.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Types } from 'mongoose';
import { conversationRepository, type WindowWrite } from '../server/data/conversationRepository.js';
import type { MessageRecord } from '../server/data/messageRepository.js';
import { asStored } from '../server/domain/chat/recordTurn.js';
import { RECENT_CAPACITY, windowAfter } from '../server/domain/conversationWindow.js';
import { newConversation, newMessage } from '../server/test/repositoryInputs.js';
import { openBenchDatabase } from './lib/benchDatabase.js';
import { machine, median, processCpuMs, table } from './lib/stats.js';

const ROUNDS = Number(process.env.BENCH_WINDOW_ROUNDS ?? 10);
const WRITES = Number(process.env.BENCH_WINDOW_WRITES ?? 300);
const CONVERSATIONS = 10;

const db = await openBenchDatabase('window');
const conversations = conversationRepository(db.models);
const databasePid = db.embedded?.pid ?? null;
const tenantId = 'bench';
const siteId = String(new Types.ObjectId());

let sequence = 0;
const message = (conversationId: string, role: 'user' | 'assistant') => {
  const createdAt = new Date(Date.UTC(2026, 0, 1) + ++sequence * 1000);
  return asStored(
    role === 'user'
      ? newMessage({ tenantId, siteId, conversationId, createdAt, text: `What are your opening hours? (${sequence})` })
      : newMessage({
          tenantId,
          siteId,
          conversationId,
          createdAt,
          role,
          text: 'Nine.',
          clientMessageId: null,
          model: 'gemini-2.5-flash',
          usage: { inputTokens: 1200, outputTokens: 1 },
        }),
  );
};

interface Held {
  id: string;
  owner: { id: string; tenantId: string; siteId: string; visitorId: string };
  window: MessageRecord[];
  messageCount: number;
}
const held: Held[] = [];
for (let i = 0; i < CONVERSATIONS; i++) {
  const c = await conversations.create(newConversation({ tenantId, siteId, now: new Date() }));
  const window = Array.from({ length: RECENT_CAPACITY }, (_, n) => message(c.id, n % 2 ? 'assistant' : 'user'));
  await conversations.setRecentMessages(c.id, { messages: window });
  held.push({ id: c.id, owner: c, window, messageCount: RECENT_CAPACITY });
}

type Way = 'pushed (ours)' | 'whole window (before)';
const samples: Record<Way, { databaseMs: number[]; clientMs: number[] }> = {
  'pushed (ours)': { databaseMs: [], clientMs: [] },
  'whole window (before)': { databaseMs: [], clientMs: [] },
};

/** One send's window write: the question and its answer joined to the held window, with the copy. */
function turn(c: Held, way: Way) {
  const next = windowAfter(c.window, [message(c.id, 'user'), message(c.id, 'assistant')]);
  if (!next.appended) throw new Error('a turn must append');
  c.window = next.messages;
  c.messageCount += 2;
  const copy = {
    conversation: {
      ...c.owner,
      mode: 'ai' as const,
      title: 'What are your opening hours?',
      firstQuestion: 'What are your opening hours?',
      messageCount: c.messageCount,
      countedAnswers: Array.from({ length: 20 }, () => String(new Types.ObjectId())),
      hasImages: false,
      thumbnailImageId: null,
    },
    searchText: '\nwhat are your opening hours?\nnine.'.repeat(100),
  };
  const write: WindowWrite = way === 'pushed (ours)' ? next : { messages: next.messages };
  return conversations.setRecentMessages(c.id, write, copy);
}

async function round(way: Way) {
  const database = processCpuMs(databasePid);
  const client = process.cpuUsage();
  for (let i = 0; i < WRITES; i += CONVERSATIONS) await Promise.all(held.map((c) => turn(c, way)));
  const used = process.cpuUsage(client);
  samples[way].databaseMs.push((processCpuMs(databasePid) - database) / WRITES);
  samples[way].clientMs.push((used.user + used.system) / 1000 / WRITES);
}

// Warm both ways, then alternate, each going first in turn.
await round('pushed (ours)');
await round('whole window (before)');
for (const s of Object.values(samples)) {
  s.databaseMs.length = 0;
  s.clientMs.length = 0;
}
for (let r = 0; r < ROUNDS; r++) {
  const ways: Way[] = r % 2 ? ['whole window (before)', 'pushed (ours)'] : ['pushed (ours)', 'whole window (before)'];
  for (const way of ways) await round(way);
}

// Both ways store the window the code holds.
for (const c of held) {
  const stored = await conversations.recentMessages(c.owner);
  const key = (messages: MessageRecord[] | null) => JSON.stringify(messages?.map((m) => [m.id, m.text, m.createdAt]));
  if (key(stored) !== key(c.window)) throw new Error(`window ${c.id} differs from the one written`);
}

const ms2 = (value: number) => `${value.toFixed(2)} ms`;
const rows = (Object.keys(samples) as Way[]).map((way) => ({
  way,
  databaseCpuMsPerWrite: median(samples[way].databaseMs),
  clientCpuMsPerWrite: median(samples[way].clientMs),
}));
const loadAverage = (await import('node:os')).loadavg()[0]?.toFixed(1);
console.log(
  `\nwindow write of a send: ${CONVERSATIONS} full windows of ${RECENT_CAPACITY} bench-sized messages, ${WRITES} writes per round, medians of ${ROUNDS} alternating rounds; load average ${loadAverage}\n`,
);
console.log(
  table([
    ['window write', 'database CPU per write', 'this process CPU per write'],
    ...rows.map((r) => [r.way, ms2(r.databaseCpuMsPerWrite), ms2(r.clientCpuMsPerWrite)]),
  ]),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/window-write.json',
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: await machine(), loadAverage, rounds: ROUNDS, writes: WRITES, rows, samples }, null, 2)}\n`,
);
console.log('wrote bench/results/window-write.json');
await db.stop();
