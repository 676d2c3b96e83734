import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from '../../contract/common.js';
import type { Message } from '../../contract/messages.js';
import { randomToken } from '../domain/secrets.js';
import { openTestDatabase, testDatabaseUri } from '../test/database.js';
import { type FakeGemini, startFakeGemini } from '../test/fakeGemini.js';
import { openLiveStream } from '../test/liveStream.js';
import { type ServerProcess, startServerProcess } from '../test/serverProcess.js';
import { parseSse, type SseEvent } from '../test/testApp.js';

/**
 * Two server processes on one database, one of them on a machine whose wall clock runs 31 days ahead (Debian's
 * `faketime`, which `.ci/run` installs, shifts that process's clock alone). Leases are compared on the database's
 * clock, so the fast instance neither recovers the other's live answer as interrupted nor takes over the conversation
 * lock it holds: its send waits for the first answer to end, as on one clock. Before, every lease of the slow instance
 * looked expired to the fast one, and a visitor's live stream (its 30-day token) ended at once.
 */

/**
 * Production's lease (renewed every 5 s): a shorter one can lapse on a busy machine while the database queues the
 * renewal (see threeInstances.test.ts), and the fast instance, a month ahead, sees it expired whatever its length.
 */
const LEASE_MS = 15_000;
const DELAY_MS = 1200;
const CHUNKS = ['The ', 'first ', 'answer ', 'streams ', 'for ', 'about ', 'nine ', 'seconds.'];
const ORIGIN = 'http://localhost:5173';
/** How far ahead the fast instance's clock runs: past any lease, and past a visitor token's 30 days. */
const SKEW_DAYS = 31;
const secret = { admin: randomToken(24), visitor: randomToken(32) };

function faketimeAvailable(): boolean {
  try {
    execFileSync('faketime', ['-f', '+0', 'true']);
    return true;
  } catch {
    return false;
  }
}

let gemini: FakeGemini;
let closeDatabase: () => Promise<void>;
let onTime: ServerProcess;
let ahead: ServerProcess;

beforeAll(async () => {
  if (!faketimeAvailable()) throw new Error("faketime is missing (Debian's package: apt-get install faketime)");
  const connection = await openTestDatabase(import.meta.url);
  closeDatabase = () => connection.close();
  gemini = await startFakeGemini({ defaultBehaviour: { chunks: CHUNKS, delayMs: DELAY_MS } });
  const env = {
    MONGODB_URI: testDatabaseUri(import.meta.url),
    GEMINI_API_KEY: gemini.apiKey,
    GEMINI_BASE_URL: gemini.url,
    ADMIN_TOKEN: secret.admin,
    VISITOR_TOKEN_SECRET: secret.visitor,
    LEASE_MS: String(LEASE_MS),
  };
  onTime = await startServerProcess(env);
  // Its timers and `performance.now()` stay true (the monotonic clock): only the wall clock moves.
  ahead = await startServerProcess({ ...env, FAKETIME_DONT_FAKE_MONOTONIC: '1' }, undefined, [
    'faketime',
    '-f',
    `+${SKEW_DAYS}d`,
  ]);
}, 120_000);

afterAll(async () => {
  for (const server of [onTime, ahead]) {
    if (!server) continue;
    server.child.kill('SIGKILL');
    await server.exited;
    server.cleanUp();
  }
  await gemini?.close();
  await closeDatabase?.();
});

async function call(server: ServerProcess, method: string, path: string, token?: string, json?: unknown) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: {
      origin: ORIGIN,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json ? { 'content-type': 'application/json' } : {}),
    },
    body: json ? JSON.stringify(json) : undefined,
  });
}

describe('instances whose wall clocks disagree', () => {
  it("keep each other's leases: the fast one waits for the live answer, which completes", async () => {
    // The fast instance's wall clock is a month ahead (its HTTP Date header), the other's is not.
    const skew = async (server: ServerProcess) =>
      new Date((await call(server, 'GET', '/healthz')).headers.get('date') as string).getTime() - Date.now();
    expect(Math.abs(await skew(onTime))).toBeLessThan(5_000);
    expect(await skew(ahead)).toBeGreaterThan((SKEW_DAYS - 1) * 86_400_000);

    const session = (await (
      await call(onTime, 'POST', '/v1/widget/sessions', undefined, { siteKey: onTime.demoSiteKey })
    ).json()) as { visitorToken: string };
    const token = session.visitorToken;
    const conversation = (await (await call(onTime, 'POST', '/v1/widget/conversations', token, {})).json()) as { id: string };
    const path = `/v1/widget/conversations/${conversation.id}/messages`;

    // The first send streams through the on-time instance under its leases; once it is answering, the second send of
    // the same conversation goes to the fast one (which also runs its recovery of interrupted answers meanwhile).
    const first = await call(onTime, 'POST', path, token, { text: 'First question', clientMessageId: 'skew-1', imageIds: [] });
    const reader = (first.body as ReadableStream<Uint8Array>).getReader();
    let firstBody = '';
    while (!firstBody.includes('event: delta')) {
      const { value, done } = await reader.read();
      if (done) break;
      firstBody += new TextDecoder().decode(value);
    }
    const secondDone = call(ahead, 'POST', path, token, {
      text: 'Second question',
      clientMessageId: 'skew-2',
      imageIds: [],
    }).then((res) => res.text());
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      firstBody += new TextDecoder().decode(value);
    }
    const last = (events: SseEvent[]) => events.at(-1) as SseEvent;
    const firstEvents = parseSse(firstBody);
    const secondEvents = parseSse(await secondDone);
    expect(last(firstEvents).event, firstBody).toBe('done');
    expect((last(firstEvents).data as Message).text).toBe(CHUNKS.join(''));
    expect(last(secondEvents).event).toBe('done');

    // Both questions were stored on arrival; both answers complete, the second streamed after the first had ended (an
    // answer's time is its end), not beside it.
    const page = (await (await call(ahead, 'GET', path, token)).json()) as Page<Message>;
    expect(page.items.map((m) => [m.role, m.status, m.text])).toEqual([
      ['user', 'complete', 'First question'],
      ['user', 'complete', 'Second question'],
      ['assistant', 'complete', CHUNKS.join('')],
      ['assistant', 'complete', CHUNKS.join('')],
    ]);
    const [, , firstAnswer, secondAnswer] = page.items as [Message, Message, Message, Message];
    const apart = new Date(secondAnswer.createdAt).getTime() - new Date(firstAnswer.createdAt).getTime();
    expect(apart).toBeGreaterThan((CHUNKS.length - 1) * DELAY_MS * 0.9);
  }, 60_000);

  it("keep a visitor's live stream open until its token's expiry, on the database's clock", async () => {
    // The token is signed on the on-time instance; the stream is served by the fast one, which must not end it at once
    // (its own wall clock puts the token's 30 days past).
    const session = (await (
      await call(onTime, 'POST', '/v1/widget/sessions', undefined, { siteKey: onTime.demoSiteKey })
    ).json()) as { visitorToken: string };
    const token = session.visitorToken;
    const conversation = (await (await call(onTime, 'POST', '/v1/widget/conversations', token, {})).json()) as { id: string };
    const stream = await openLiveStream(`${ahead.url}/v1/widget/conversations/${conversation.id}/events`, token, {
      origin: ORIGIN,
    });
    expect(stream.res.status).toBe(200);
    expect((await stream.waitFor(1))[0]?.event).toBe('mode');
    // Still open two seconds on: a stream closed as expired would have ended by then.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(stream.ended).toBe(false);
    stream.close();
  }, 30_000);
});
