// Sustained sends/s with 1, 2 and 3 server instances on one database (issue 17): the embedded FerretDB started once
// (or `MONGODB_URI`), one Redis, server processes started as deployed (`server/main.ts`, limits in Redis,
// `TRUST_PROXY`) behind the round-robin proxy of the three-process test, offline answers. Each configuration gets
// fresh visitors at once, each from its own loopback address (the default limits hold, as in production), each
// sending its messages one after another; sends/s is completed sends over the wall time of the configuration. The
// three configurations run in the same process one after another, so they compare on the same (possibly busy)
// machine: one instance is the baseline of the run, and the table gives each row's sends/s against it. Everything
// listens on 127.0.0.1 (clients use other loopback addresses as their source); each configuration stops starting
// sends after BENCH_INSTANCES_SECONDS (120) and a request idle for 30 s counts as an error, so a run stays bounded.
// Prints a table and writes bench/results/instances.json.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisServer } from '../server/test/redisServer.js';
import { startRoundRobinProxy } from '../server/test/roundRobinProxy.js';
import { type ServerProcess, startServerProcess } from '../server/test/serverProcess.js';
import { openBenchDatabase } from './lib/benchDatabase.js';
import { machine, ms, percentile, table } from './lib/stats.js';

const VISITORS = Number(process.env.BENCH_INSTANCES_VISITORS ?? 40);
/** Messages each visitor sends: at most the default 20 a minute. */
const MESSAGES = Math.min(20, Number(process.env.BENCH_INSTANCES_MESSAGES ?? 10));
/** Each configuration's time budget: no send starts after it (the run stays bounded on a starved machine). */
const BUDGET_MS = Number(process.env.BENCH_INSTANCES_SECONDS ?? 120) * 1000;
/** A request that receives nothing for this long counts as an error. */
const IDLE_TIMEOUT_MS = 30_000;
const ORIGIN = 'https://shop.example';
const secrets = { ADMIN_TOKEN: randomBytes(24).toString('hex'), VISITOR_TOKEN_SECRET: randomBytes(32).toString('hex') };

const db = await openBenchDatabase('instances');
const redis = await startRedisServer();
const proxy = await startRoundRobinProxy();
const env = { MONGODB_URI: db.uri, REDIS_URL: redis.url, TRUST_PROXY: '127.0.0.1', LOG_LEVEL: 'error', ...secrets };
// The first creates the demo site alone, then two more at once.
const instances: ServerProcess[] = [await startServerProcess(env)];
instances.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));

/** One request through the proxy from `address`, as the site's page (`status` 0: no response at all). */
const call = (address: string, method: string, path: string, token?: string, json?: unknown) =>
  proxy.call(address, method, path, { origin: ORIGIN, token, json, idleTimeoutMs: IDLE_TIMEOUT_MS });

async function serving(count: number) {
  for (const [i, server] of instances.entries()) {
    if (i < count) proxy.add({ name: String(i), url: server.url });
    else proxy.remove(String(i));
  }
  const deadline = Date.now() + 30_000;
  while (proxy.ready().length !== count) {
    if (Date.now() > deadline) throw new Error(`${count} instances not ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

await serving(3);
const created = await call('127.0.0.1', 'POST', '/v1/admin/sites', secrets.ADMIN_TOKEN, {
  name: 'Bench',
  allowedOrigins: [ORIGIN],
  dailyModelCalls: 1_000_000,
  faq: [{ question: 'What are your opening hours?', answer: 'We are open from nine to five, Monday to Friday.' }],
});
if (created.status !== 201) throw new Error(`site: ${created.status} ${created.body}`);
const site = JSON.parse(created.body) as { publicKey: string };

/** `visitors` visitors from the loopback block `block`, each sending `messages` messages; returns what it measured. */
async function run(block: number, visitors: number, messages: number) {
  const ready = await Promise.all(
    Array.from({ length: visitors }, async (_, v) => {
      const address = `127.0.${block}.${10 + v}`;
      const session = await call(address, 'POST', '/v1/widget/sessions', undefined, { siteKey: site.publicKey });
      const { visitorToken } = JSON.parse(session.body) as { visitorToken: string };
      const conversation = await call(address, 'POST', '/v1/widget/conversations', visitorToken, {});
      return { address, token: visitorToken, conversationId: (JSON.parse(conversation.body) as { id: string }).id };
    }),
  );
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + BUDGET_MS;
  await Promise.all(
    ready.map(async (visitor, v) => {
      for (let m = 0; m < messages && performance.now() < deadline; m++) {
        const sent = performance.now();
        const reply = await call(
          visitor.address,
          'POST',
          `/v1/widget/conversations/${visitor.conversationId}/messages`,
          visitor.token,
          {
            text: 'What are your opening hours?',
            clientMessageId: `b${block}-v${v}-m${m}`,
          },
        );
        if (reply.status === 200 && reply.body.includes('event: done')) latencies.push(performance.now() - sent);
        else errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { sends: latencies.length, errors, seconds, latencies };
}

// Warm-up on all three (module loading, JIT, the database's first pages), not measured.
await run(9, 12, 2);
const rows: { instances: number; sends: number; errors: number; sendsPerSecond: number; p50Ms: number; p95Ms: number }[] = [];
for (const count of [1, 2, 3]) {
  await serving(count);
  const result = await run(count, VISITORS, MESSAGES);
  rows.push({
    instances: count,
    sends: result.sends,
    errors: result.errors,
    sendsPerSecond: Math.round((result.sends / result.seconds) * 10) / 10,
    p50Ms: Math.round(percentile(result.latencies, 50)),
    p95Ms: Math.round(percentile(result.latencies, 95)),
  });
}

console.log(
  `\nSustained sends with 1, 2 and 3 instances on one database (${VISITORS} visitors at once × ${MESSAGES} messages, offline answers, ${db.embedded ? 'embedded FerretDB' : 'MONGODB_URI'}, Redis)\n`,
);
console.log(
  table([
    ['instances', 'sends', 'errors', 'sends/s', 'vs 1 instance', 'p50', 'p95'],
    ...rows.map((r) => [
      String(r.instances),
      String(r.sends),
      String(r.errors),
      r.sendsPerSecond.toFixed(1),
      `${(r.sendsPerSecond / (rows[0]?.sendsPerSecond || 1)).toFixed(2)}×`,
      ms(r.p50Ms),
      ms(r.p95Ms),
    ]),
  ]),
);
const results = join(import.meta.dirname, 'results');
mkdirSync(results, { recursive: true });
writeFileSync(
  join(results, 'instances.json'),
  `${JSON.stringify({ at: new Date().toISOString(), machine: await machine(), visitors: VISITORS, messages: MESSAGES, database: db.embedded ? 'embedded FerretDB' : 'MONGODB_URI', rows }, null, 2)}\n`,
);

for (const server of instances) {
  server.child.kill('SIGTERM');
  await server.exited;
  server.cleanUp();
}
await proxy.close();
await redis.stop();
await db.stop();
