// Streaming overhead of our server (issue 9): a fake model on 127.0.0.1 streams tokens at a fixed cadence; this
// process (the load generator) opens streams at a steady rate straight to the fake (the floor) and through the real
// server (its own process, embedded database, real Gemini provider), and compares time to first token and the gaps
// between tokens at 1, 100 and 1,000 concurrent streams; then sustained sends/s with persistence on.
// Prints tables and writes bench/results/server.json.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { openStream, type StreamTiming } from './lib/openStream.js';
import { machine, ms, percentile, table } from './lib/stats.js';

const CADENCE_MS = 100;
const LEVELS = [
  // One stream at a time; then arrivals at a steady rate whose answers last 10 s, so `rate × 10` stay open.
  { name: '1 stream', concurrent: 1, sequential: 10, tokens: 10 },
  { name: '100 streams', concurrent: 100, rate: 10, seconds: 10, tokens: 100 },
  { name: '1,000 streams', concurrent: 1000, rate: 100, seconds: 10, tokens: 100 },
];
const SUSTAINED = { workers: 20, seconds: 10 };
const ORIGIN = 'http://127.0.0.1:9';
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

function startChild(
  script: string,
  args: string[],
): Promise<{ child: ChildProcess; ready: string; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return (async () => {
    for (let line = await lines.next(); !line.done; line = await lines.next())
      if (line.value.startsWith('READY ')) return { child, ready: line.value.slice(6), lines };
    throw new Error(`${script} exited before it was ready`);
  })();
}

const rssMiB = (pid: number | null) => {
  if (!pid) return Number.NaN;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
};

const fake = await startChild('bench/lib/fakeModelProcess.ts', []);
const fakeUrl = fake.ready;
const server = await startChild('bench/lib/serverProcess.ts', [fakeUrl]);
const { url, siteKey, pid, databasePid } = JSON.parse(server.ready) as {
  url: string;
  siteKey: string;
  pid: number;
  databasePid: number | null;
};

async function setModel(behaviour: object) {
  fake.child.stdin?.write(`${JSON.stringify(behaviour)}\n`);
  await fake.lines.next(); // OK
}

async function json(path: string, init: { token?: string; body: unknown }) {
  const res = await fetch(url + path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      origin: ORIGIN,
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: JSON.stringify(init.body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
}

// One visitor with one conversation per concurrent stream (a visitor's sends to one conversation are serialized).
const visitors: { token: string; conversationId: string }[] = [];
const setupStart = performance.now();
const maxConcurrent = Math.max(...LEVELS.map((l) => l.concurrent), SUSTAINED.workers);
while (visitors.length < maxConcurrent) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(50, maxConcurrent - visitors.length) }, async () => {
      const session = await json('/v1/widget/sessions', { body: { siteKey } });
      const token = session.visitorToken as string;
      const conversation = await json('/v1/widget/conversations', { token, body: {} });
      return { token, conversationId: conversation.id as string };
    }),
  );
  visitors.push(...batch);
}
console.log(`${visitors.length} visitors with a conversation each, in ${ms(performance.now() - setupStart)}`);

let sendCounter = 0;
const ours = (slot: number) => {
  const visitor = visitors[slot % visitors.length] as (typeof visitors)[number];
  return openStream(
    `${url}/v1/widget/conversations/${visitor.conversationId}/messages`,
    agent,
    { 'content-type': 'application/json', authorization: `Bearer ${visitor.token}`, origin: ORIGIN },
    JSON.stringify({ text: 'Tell me about your plans.', clientMessageId: `b-${++sendCounter}`, imageIds: [] }),
    (block) => block.startsWith('event: delta'),
    (block) => block.startsWith('event: done'),
    (block) => block.startsWith('event: error'),
  );
};
const floorBody = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Tell me about your plans.' }] }] });
const floor = () =>
  openStream(
    `${fakeUrl}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
    agent,
    { 'content-type': 'application/json', 'x-goog-api-key': 'bench-key' },
    floorBody,
    (block) => block.startsWith('data:') && block.includes('"text"'),
    (block) => block.includes('"finishReason"'),
    (block) => block.startsWith('data:') && block.includes('"error"'),
  );

interface Run {
  timings: StreamTiming[];
  peakOpen: number;
  rssBefore: number;
  rssPeak: number;
  databaseRssBefore: number;
  databaseRssPeak: number;
  seconds: number;
}

/** Opens streams as the level says, sampling the server's memory, and waits for every one to end. */
async function run(level: (typeof LEVELS)[number], open: (slot: number) => Promise<StreamTiming>): Promise<Run> {
  let openNow = 0;
  let peakOpen = 0;
  const rssBefore = rssMiB(pid);
  const databaseRssBefore = rssMiB(databasePid);
  let rssPeak = rssBefore;
  let databaseRssPeak = databaseRssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssMiB(pid));
    databaseRssPeak = Math.max(databaseRssPeak, rssMiB(databasePid));
  }, 250);
  const started = performance.now();
  const track = async (slot: number) => {
    openNow++;
    peakOpen = Math.max(peakOpen, openNow);
    try {
      return await open(slot);
    } finally {
      openNow--;
    }
  };
  const timings: StreamTiming[] = [];
  if (level.sequential) {
    for (let i = 0; i < level.sequential; i++) timings.push(await track(i));
  } else {
    const pending: Promise<StreamTiming>[] = [];
    const total = (level.rate ?? 1) * (level.seconds ?? 1);
    for (let i = 0; i < total; i++) {
      // A steady arrival rate: each stream starts at its own slot in time, whatever the others do.
      const due = started + (i * 1000) / (level.rate ?? 1);
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      pending.push(track(i));
    }
    timings.push(...(await Promise.all(pending)));
  }
  clearInterval(sampler);
  return {
    timings,
    peakOpen,
    rssBefore,
    rssPeak,
    databaseRssBefore,
    databaseRssPeak,
    seconds: (performance.now() - started) / 1000,
  };
}

const summary = (r: Run) => {
  const ttft = r.timings.map((t) => t.ttft).filter(Number.isFinite);
  const gaps = r.timings.flatMap((t) => t.gaps);
  return {
    streams: r.timings.length,
    errors: r.timings.filter((t) => t.error).length,
    firstErrors: [...new Set(r.timings.map((t) => t.error).filter(Boolean))].slice(0, 3),
    ttftP50: percentile(ttft, 50),
    ttftP99: percentile(ttft, 99),
    gapP50: percentile(gaps, 50),
    gapP99: percentile(gaps, 99),
    peakOpen: r.peakOpen,
    rssBeforeMiB: r.rssBefore,
    rssPeakMiB: r.rssPeak,
    databaseRssPeakMiB: r.databaseRssPeak,
    rssPerStreamKiB: ((r.rssPeak - r.rssBefore) * 1024) / Math.max(1, r.peakOpen),
    seconds: r.seconds,
  };
};

const levels: { name: string; floor: ReturnType<typeof summary>; ours: ReturnType<typeof summary> }[] = [];
try {
  for (const level of LEVELS) {
    await setModel({ tokens: level.tokens, delayMs: CADENCE_MS });
    const floorRun = summary(await run(level, floor));
    const oursRun = summary(await run(level, ours));
    levels.push({ name: level.name, floor: floorRun, ours: oursRun });
    console.log(
      `${level.name}: TTFT p50/p99 floor ${ms(floorRun.ttftP50)}/${ms(floorRun.ttftP99)}, ours ${ms(oursRun.ttftP50)}/${ms(oursRun.ttftP99)}; ` +
        `gap p99 floor ${ms(floorRun.gapP99)}, ours ${ms(oursRun.gapP99)}; errors ${oursRun.errors}; peak open ${oursRun.peakOpen}`,
    );
    if (oursRun.firstErrors.length) console.log(`  errors: ${oursRun.firstErrors.join(' | ')}`);
  }

  // Sustained sends/s with persistence on: workers send back to back, each answer one token at once.
  await setModel({ tokens: 1, delayMs: 0 });
  const sustained = { completed: 0, errors: 0, firstErrors: [] as string[], seconds: SUSTAINED.seconds };
  const deadline = performance.now() + SUSTAINED.seconds * 1000;
  await Promise.all(
    Array.from({ length: SUSTAINED.workers }, async (_, worker) => {
      while (performance.now() < deadline) {
        const timing = await ours(worker);
        if (timing.error) {
          sustained.errors++;
          if (sustained.firstErrors.length < 3) sustained.firstErrors.push(timing.error);
        } else sustained.completed++;
      }
    }),
  );
  const sendsPerSecond = sustained.completed / SUSTAINED.seconds;

  const rows = [
    [
      'concurrent streams',
      'TTFT p50 floor/ours',
      'TTFT p99 floor/ours',
      'added TTFT p50/p99',
      'gap p50 floor/ours',
      'gap p99 floor/ours',
      'added gap p99',
      'errors',
      'RSS/stream',
    ],
    ...levels.map(({ name, floor: f, ours: o }) => [
      `${name} (peak ${o.peakOpen})`,
      `${ms(f.ttftP50)} / ${ms(o.ttftP50)}`,
      `${ms(f.ttftP99)} / ${ms(o.ttftP99)}`,
      `${ms(o.ttftP50 - f.ttftP50)} / ${ms(o.ttftP99 - f.ttftP99)}`,
      `${ms(f.gapP50)} / ${ms(o.gapP50)}`,
      `${ms(f.gapP99)} / ${ms(o.gapP99)}`,
      ms(o.gapP99 - f.gapP99),
      String(o.errors + f.errors),
      // One stream moves the heap by less than its noise: per-stream memory only where many are open.
      o.peakOpen >= 100 ? `${o.rssPerStreamKiB.toFixed(0)} KiB` : '–',
    ]),
  ];
  console.log(`\nfake model: tokens every ${CADENCE_MS} ms; floor = straight from the fake, ours = through the server\n`);
  console.log(table(rows));
  const top = levels.at(-1)?.ours;
  console.log(
    `\nserver RSS ${top?.rssBeforeMiB.toFixed(0)} MiB before the 1,000-stream level, ${top?.rssPeakMiB.toFixed(0)} MiB at its peak; ` +
      `embedded database RSS peak ${top?.databaseRssPeakMiB.toFixed(0)} MiB`,
  );
  console.log(
    `sustained: ${sendsPerSecond.toFixed(0)} sends/s with persistence on (${SUSTAINED.workers} clients back to back, ` +
      `one-token answers, ${SUSTAINED.seconds} s), ${sustained.errors} errors${sustained.firstErrors.length ? `: ${sustained.firstErrors.join(' | ')}` : ''}`,
  );
  const top99 = levels.at(-1);
  if (top99) {
    const added = top99.ours.ttftP99 - top99.floor.ttftP99;
    const errors = levels.reduce((n, l) => n + l.ours.errors, 0) + sustained.errors;
    console.log(
      `goal: server-added TTFT p99 <= 10 ms at 1,000 streams with 0 errors → ${ms(added)}, ${errors} errors: ${added <= 10 && errors === 0 ? 'PASS' : 'MISS'}`,
    );
  }
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/server.json',
    `${JSON.stringify(
      {
        measuredAt: new Date().toISOString(),
        machine: await machine(),
        database: process.env.MONGODB_URI ? 'MongoDB (MONGODB_URI)' : 'embedded FerretDB v1.24.2 (SQLite)',
        cadenceMs: CADENCE_MS,
        levels,
        sustained: { ...sustained, workers: SUSTAINED.workers, sendsPerSecond },
      },
      null,
      2,
    )}\n`,
  );
  console.log('wrote bench/results/server.json');
} finally {
  agent.destroy();
  server.child.stdin?.end();
  fake.child.stdin?.end();
  await Promise.all([server.child, fake.child].map((c) => new Promise((r) => c.once('exit', r))));
}
