// Handoff delivery (issue 16): the time from an agent's reply (POST …/messages answered) to the reply's event on the
// visitor's stream, p50/p99, on one instance (in-process bus) and across two instances sharing one embedded database
// and one Redis; then how many idle widget event streams one instance holds and the memory each costs. Server and
// clients run in this one process, so the memory figure includes both ends of each connection (an upper bound).
// Prints tables and writes bench/results/handoff.json.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { createOfflineModel } from '../server/ai/offlineModel.js';
import { loadConfig } from '../server/config.js';
import { createServer, type Server } from '../server/createServer.js';
import { pingDatabase } from '../server/db/database.js';
import { GENEROUS_LIMITS } from '../server/http/middleware/rateLimits.js';
import { createLogger } from '../server/lib/logger.js';
import { startRedisServer } from '../server/test/redisServer.js';
import { openBenchDatabase } from './lib/benchDatabase.js';
import { machine, ms, percentile, table } from './lib/stats.js';

const REPLIES = Number(process.env.BENCH_HANDOFF_REPLIES ?? 100);
const IDLE_STREAMS = Number(process.env.BENCH_HANDOFF_STREAMS ?? 1000);
const ORIGIN = 'http://localhost:5173';
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

const db = await openBenchDatabase('handoff');
const redis = await startRedisServer();
const secrets = { ADMIN_TOKEN: randomBytes(24).toString('hex'), VISITOR_TOKEN_SECRET: randomBytes(32).toString('hex') };

async function instance(env: Record<string, string>): Promise<{ server: Server; url: string }> {
  const config = loadConfig({ DATA_DIR: db.dataDir, LOG_LEVEL: 'silent', PORT: '0', ...secrets, ...env });
  const server = await createServer(config, {
    database: { connection: db.connection, ping: (timeoutMs) => pingDatabase(db.connection, timeoutMs) },
    log: createLogger('silent'),
    model: createOfflineModel({ chunkDelayMs: 0 }),
    rateLimits: GENEROUS_LIMITS,
    staticDirs: null,
    demoSite: false,
  });
  const web = await server.listen();
  return { server, url: web.url };
}

async function call(url: string, path: string, token: string, body?: unknown) {
  const res = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, origin: ORIGIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** An event stream read with node:http (one socket each, as browsers hold them); calls `onEvent` per event. */
function openEvents(url: string, path: string, token: string, onEvent: (event: string, data: string) => void) {
  return new Promise<() => void>((resolve, reject) => {
    const req = request(url + path, { agent, headers: { authorization: `Bearer ${token}`, origin: ORIGIN } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream ${res.statusCode}`));
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) onEvent(event, data);
        }
      });
      resolve(() => req.destroy());
    });
    req.on('error', (error) => (error.message.includes('socket hang up') ? undefined : reject(error)));
    req.end();
  });
}

async function visitorConversation(url: string, siteKey: string) {
  const session = (await (
    await fetch(`${url}/v1/widget/sessions`, {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ siteKey }),
    })
  ).json()) as { visitorToken: string };
  const conversation = (await call(url, '/v1/widget/conversations', session.visitorToken, {})) as { id: string };
  return { token: session.visitorToken, id: conversation.id };
}

/** Agent replies posted on `agentUrl`, each timed until the visitor's stream on `visitorUrl` shows it. */
async function deliveryLatency(agentUrl: string, visitorUrl: string, siteKey: string): Promise<number[]> {
  const visitor = await visitorConversation(visitorUrl, siteKey);
  await call(visitorUrl, `/v1/widget/conversations/${visitor.id}/handoff`, visitor.token, {});
  const waiting = new Map<string, (at: number) => void>();
  const close = await openEvents(visitorUrl, `/v1/widget/conversations/${visitor.id}/events`, visitor.token, (event, data) => {
    if (event !== 'message') return;
    const text = (JSON.parse(data) as { text: string }).text;
    waiting.get(text)?.(performance.now());
  });
  const samples: number[] = [];
  for (let i = 0; i < REPLIES; i++) {
    const text = `reply ${i}`;
    const seen = new Promise<number>((resolve) => waiting.set(text, resolve));
    const sent = performance.now();
    await call(agentUrl, `/v1/admin/conversations/${visitor.id}/messages`, secrets.ADMIN_TOKEN, { text });
    samples.push((await seen) - sent);
  }
  close();
  return samples;
}

const a = await instance({});
const site = (await call(a.url, '/v1/admin/sites', secrets.ADMIN_TOKEN, { name: 'Bench', allowedOrigins: [ORIGIN] })) as {
  publicKey: string;
};
const single = await deliveryLatency(a.url, a.url, site.publicKey);
await a.server.stop(100);

const r1 = await instance({ REDIS_URL: redis.url });
const r2 = await instance({ REDIS_URL: redis.url });
const across = await deliveryLatency(r1.url, r2.url, site.publicKey);

// Idle widget streams on one instance: each visitor waits for a person with its stream open.
const visitors = [];
for (let i = 0; i < IDLE_STREAMS; i++) visitors.push(await visitorConversation(r1.url, site.publicKey));
globalThis.gc?.();
const before = process.memoryUsage();
const closers: (() => void)[] = [];
let opened = 0;
for (const v of visitors) {
  closers.push(await openEvents(r1.url, `/v1/widget/conversations/${v.id}/events`, v.token, () => {}));
  opened++;
}
await new Promise((resolve) => setTimeout(resolve, 2000));
globalThis.gc?.();
const after = process.memoryUsage();
// Still live while all are open: one more reply reaches its visitor.
const heldLatency = await deliveryLatency(r1.url, r1.url, site.publicKey).then((s) => s.slice(0, 10));
for (const close of closers) close();

const perStreamKiB = (key: 'rss' | 'heapUsed') => (after[key] - before[key]) / 1024 / opened;
const summary = (name: string, samples: number[]) => [
  name,
  String(samples.length),
  ms(percentile(samples, 50)),
  ms(percentile(samples, 99)),
];
console.log(
  table([
    ['agent reply → visitor stream', 'replies', 'p50', 'p99'],
    summary('one instance (in-process bus)', single),
    summary('two instances (Redis bus)', across),
    summary(`one instance holding ${opened} idle streams`, heldLatency),
  ]),
);
console.log(
  table([
    ['idle widget event streams', 'held', 'RSS per stream', 'heap per stream'],
    [
      'one instance (Redis bus)',
      String(opened),
      `${perStreamKiB('rss').toFixed(1)} KiB`,
      `${perStreamKiB('heapUsed').toFixed(1)} KiB`,
    ],
  ]),
);
const results = {
  machine: await machine(),
  replies: REPLIES,
  single: { p50: percentile(single, 50), p99: percentile(single, 99) },
  acrossTwo: { p50: percentile(across, 50), p99: percentile(across, 99) },
  idleStreams: { held: opened, rssKiBPerStream: perStreamKiB('rss'), heapKiBPerStream: perStreamKiB('heapUsed') },
};
mkdirSync(join('bench', 'results'), { recursive: true });
writeFileSync(join('bench', 'results', 'handoff.json'), `${JSON.stringify(results, null, 2)}\n`);
await r1.server.stop(100);
await r2.server.stop(100);
await redis.stop();
await db.stop();
process.exit(0);
