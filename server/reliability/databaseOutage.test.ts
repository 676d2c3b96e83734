import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import { createOfflineModel } from '../ai/offlineModel.js';
import { loadConfig } from '../config.js';
import { createServer } from '../createServer.js';
import { connectMongo, databaseProbe } from '../db/database.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../db/embedded.js';
import { ensureFerretdbBinary } from '../db/ferretdbBinary.js';
import { reportFigures } from '../test/reliability/figures.js';
import { PAGE_ORIGIN } from '../test/reliability/seedTenant.js';
import { GENEROUS_LIMITS, parseSse } from '../test/testApp.js';

/**
 * The database goes away while visitors send, and comes back on the same port. Its own FerretDB (so the
 * rest of the run is untouched), the app composed like main.ts. Sends answer 503 (JSON, Retry-After)
 * while it is down, /readyz follows, the server recovers without help, and every message that got a
 * `message` event is in the database afterwards.
 */

const LOCK_LEASE_MS = 120_000;
const binary = ensureFerretdbBinary();
const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-outage-'));
let db: EmbeddedDatabase = await startEmbeddedDatabase({ binary, dataDir });
const connection = await connectMongo(db.uri('outage'));
await connection.dropDatabase();
// Its probe closes and reopens the driver's client after the restart.
const server = await createServer(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' }), {
  database: { connection, ping: databaseProbe(connection) },
  model: createOfflineModel({ chunkDelayMs: 5 }),
  rateLimits: GENEROUS_LIMITS,
  staticDirs: null,
  demoSite: false,
  // Conversation locks far longer than the wait below: a conversation whose locked write failed during the outage
  // must take its next message once the database is back, not once that lock's lease ran out.
  services: { leases: { conversationLockMs: LOCK_LEASE_MS } },
});
const { models } = server;
const adminToken = server.adminToken as string;
const web = await server.listen();
afterAll(async () => {
  await server.stop(1000);
  await connection.close();
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) =>
  fetch(web.url + path, {
    ...init,
    headers: {
      origin: PAGE_ORIGIN,
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    signal: AbortSignal.timeout(30_000),
  });

const created = await call('/v1/admin/sites', {
  method: 'POST',
  token: adminToken,
  json: { name: 'Outage', allowedOrigins: [PAGE_ORIGIN], faq: [{ question: 'Opening hours?', answer: 'Nine to five.' }] },
});
const site = (await created.json()) as { publicKey: string };

interface Visitor {
  token: string;
  conversationId: string;
}
async function newVisitor(): Promise<Visitor> {
  const session = (await (await call('/v1/widget/sessions', { method: 'POST', json: { siteKey: site.publicKey } })).json()) as {
    visitorToken: string;
  };
  const conversation = (await (
    await call('/v1/widget/conversations', { method: 'POST', token: session.visitorToken, json: {} })
  ).json()) as { id: string };
  return { token: session.visitorToken, conversationId: conversation.id };
}
const visitors = await Promise.all(Array.from({ length: 4 }, newVisitor));
// Sends once while the database is down, from a conversation with nothing in flight: the senders above may all be
// inside answers that wait out the outage (their writes are retried), so none of them may start a new send meanwhile.
const idleVisitor = await newVisitor();

type Phase = 'before' | 'down' | 'after';
const outcomes: { phase: Phase; status: number; acked?: Message; final?: string; retryAfter?: string | null; code?: string }[] =
  [];
let phase: Phase = 'before';
let n = 0;

async function sendOnce(visitor: Visitor) {
  const at = phase;
  const clientMessageId = `o${n++}`;
  try {
    const res = await call(`/v1/widget/conversations/${visitor.conversationId}/messages`, {
      method: 'POST',
      token: visitor.token,
      json: { text: 'Opening hours?', clientMessageId },
    });
    const text = await res.text();
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const events = parseSse(text);
      const acked = events.find((e) => e.event === 'message')?.data as Message | undefined;
      outcomes.push({ phase: at, status: res.status, acked, final: events.at(-1)?.event });
    } else {
      const body = JSON.parse(text) as { error?: { code?: string } };
      outcomes.push({ phase: at, status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code });
    }
  } catch {
    // The connection itself broke: nothing was acknowledged.
    outcomes.push({ phase: at, status: 0 });
  }
}

/** Each visitor sends one message after another until `stop` resolves. */
function sendLoop(stop: Promise<void>) {
  let stopped = false;
  void stop.then(() => {
    stopped = true;
  });
  return Promise.all(
    visitors.map(async (visitor) => {
      while (!stopped) {
        await sendOnce(visitor);
        await new Promise((r) => setTimeout(r, 30));
      }
    }),
  );
}

const readyStatus = async () => (await call('/readyz')).status;
async function waitFor(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check().catch(() => false)) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not within ${ms} ms`);
}

describe('the database stops during sends and starts again', () => {
  it('503 while down, /readyz follows, recovers by itself, nothing acknowledged is lost', async () => {
    expect(await readyStatus()).toBe(200);
    let endLoop = () => {};
    const loop = sendLoop(
      new Promise<void>((r) => {
        endLoop = r;
      }),
    );
    await new Promise((r) => setTimeout(r, 800));

    phase = 'down';
    await db.stop();
    const readyDownAfter = await waitFor(async () => (await readyStatus()) === 503, 10_000);
    const readyz = await call('/readyz');
    expect(readyz.status).toBe(503);
    expect(readyz.headers.get('retry-after')).toBeTruthy();
    expect(((await readyz.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    // Long enough for sends to meet the outage (server selection gives up after 5 s).
    const waited = new Promise((r) => setTimeout(r, 7000));
    await sendOnce(idleVisitor);
    await waited;

    db = await startEmbeddedDatabase({ binary, dataDir, port: db.port });
    // The probe reopens the driver's client after 15 s of failed pings, should its monitor stay stuck.
    const recoveredAfter = await waitFor(async () => (await readyStatus()) === 200, 75_000);
    phase = 'after';
    // Every visitor sends again, well before a lock left by a write that failed during the outage would expire.
    const resumedAfter = await waitFor(async () => outcomes.filter((o) => o.phase === 'after').length >= visitors.length, 40_000);
    endLoop();
    await loop;

    const down = outcomes.filter((o) => o.phase === 'down');
    const after = outcomes.filter((o) => o.phase === 'after');
    // While down: refusals are 503 JSON with Retry-After, never a 500; a stream already open ends in an error event.
    const refusals = down.filter((o) => !o.acked);
    expect(refusals.length).toBeGreaterThan(0);
    for (const o of refusals) expect(o).toMatchObject({ status: 503, code: 'database_unavailable', retryAfter: '5' });
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    expect(outcomes.filter((o) => o.status === 0)).toEqual([]);
    // After: every send completes again.
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.status === 200 && o.final === 'done')).toBe(true);

    // Nothing that got a `message` event is missing.
    const acked = outcomes.flatMap((o) => (o.acked ? [o.acked] : []));
    const stored = new Set((await models.Message.find({ role: 'user' }, { _id: 1 }).lean()).map((m) => String(m._id)));
    const lost = acked.filter((m) => !stored.has(m.id));
    expect(lost).toEqual([]);
    // Answers whose final write met the outage stay unstored until the next start's recovery
    // (`recoverInterrupted`); counted, so the figure shows how many visitors saw that error.
    const answered = new Set(
      (await models.Message.find({ role: 'assistant' }, { conversationId: 1, clientMessageId: 1 }).lean()).map(
        (m) => `${m.conversationId}:${m.clientMessageId}`,
      ),
    );
    const interrupted = acked.filter((m) => !answered.has(`${m.conversationId}:${m.clientMessageId}`)).length;

    reportFigures('databaseOutage', {
      sends: outcomes.length,
      acknowledged: acked.length,
      messagesLost: lost.length,
      refused503: refusals.length,
      streamsEndedWithError: down.filter((o) => o.acked && o.final === 'error').length,
      answersInterruptedUnstored: interrupted,
      readyzDownAfterMs: readyDownAfter,
      recoveredAfterRestartMs: recoveredAfter,
      everyVisitorSentAgainAfterMs: resumedAfter,
      serverErrors: outcomes.filter((o) => o.status >= 500 && o.status !== 503).length,
    });
  }, 150_000);
});
