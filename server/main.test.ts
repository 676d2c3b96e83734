import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messageIdFor, messageRepository } from './data/messageRepository.js';
import { isAlive } from './db/embedded.js';
import { createModels } from './db/models/index.js';
import { openTestDatabase, testDatabaseUri } from './test/database.js';
import { type FakeGemini, startFakeGemini } from './test/fakeGemini.js';
import { type ServerProcess, spawnServerProcess, startServerProcess } from './test/serverProcess.js';
import { untilFirstDelta } from './test/testApp.js';

const ORIGIN = 'http://localhost:5173';
const started: ServerProcess[] = [];
let gemini: FakeGemini | undefined;
afterAll(async () => {
  for (const server of started) {
    server.child.kill('SIGKILL');
    server.cleanUp();
  }
  await gemini?.close();
});

async function start(env: Record<string, string> = {}, cwd?: string) {
  const server = await startServerProcess(env, cwd);
  started.push(server);
  return server;
}

/** A visitor of the printed demo site with one conversation. */
async function visitorOf(server: ServerProcess) {
  const session = await fetch(`${server.url}/v1/widget/sessions`, {
    method: 'POST',
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify({ siteKey: server.demoSiteKey }),
  });
  const { visitorToken } = (await session.json()) as { visitorToken: string };
  const headers = { origin: ORIGIN, 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` };
  const created = await fetch(`${server.url}/v1/widget/conversations`, { method: 'POST', headers, body: '{}' });
  const { id } = (await created.json()) as { id: string };
  return { headers, conversationId: id };
}

/** Starts a send and returns once the first delta arrived, with a promise of the whole event stream. */
async function startSend(server: ServerProcess, visitor: Awaited<ReturnType<typeof visitorOf>>, clientMessageId: string) {
  const res = await fetch(`${server.url}/v1/widget/conversations/${visitor.conversationId}/messages`, {
    method: 'POST',
    headers: visitor.headers,
    body: JSON.stringify({ text: 'Tell me a long story', clientMessageId }),
  });
  expect(res.status).toBe(200);
  const { events } = await untilFirstDelta(res);
  return { events, answerId: messageIdFor(visitor.conversationId, clientMessageId, 'assistant') };
}

describe('server process', () => {
  it('starts on the embedded database, serves /readyz and leaves no database process after SIGTERM', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const ferretPid = Number(readFileSync(join(server.dataDir, 'ferretdb.pid'), 'utf8'));
    expect(isAlive(ferretPid)).toBe(true);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(isAlive(ferretPid)).toBe(false);
  });

  it('stops cleanly on a SIGTERM during start-up: exit 0, no database process left behind', async () => {
    const starting = spawnServerProcess();
    try {
      // The embedded database was just started (its pid file written): the server is still starting.
      const pidFile = join(starting.dataDir, 'ferretdb.pid');
      const deadline = performance.now() + 60_000;
      while (!existsSync(pidFile) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      const ferretPid = Number(readFileSync(pidFile, 'utf8'));
      starting.child.kill('SIGTERM');
      expect(await starting.exited).toBe(0);
      expect(isAlive(ferretPid)).toBe(false);
    } finally {
      starting.child.kill('SIGKILL');
      starting.cleanUp();
    }
  }, 90_000);

  it('reads a .env in its working directory, where the real environment wins', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'chatwidget-dotenv-'));
    const adminToken = 'admin-token-from-dotenv-0123456789';
    // DATA_DIR and PORT are also in the real environment (the harness sets them): those must win.
    writeFileSync(join(cwd, '.env'), `ADMIN_TOKEN=${adminToken}\nDATA_DIR=${join(cwd, 'not-this')}\nPORT=1\n`);
    try {
      const server = await start({}, cwd);
      expect(server.adminToken).toBe(adminToken);
      expect(existsSync(join(server.dataDir, 'ferretdb.pid'))).toBe(true);
      expect(existsSync(join(cwd, 'not-this'))).toBe(false);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('drains on SIGTERM: not ready at once, new work refused with 503, the answer in flight finishes, exit 0', async () => {
    gemini = await startFakeGemini({
      defaultBehaviour: { chunks: Array.from({ length: 12 }, (_, i) => `part${i} `), delayMs: 150 },
    });
    const server = await start({ GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url, DRAIN_TIMEOUT_MS: '20000' });
    const ferretPid = Number(readFileSync(join(server.dataDir, 'ferretdb.pid'), 'utf8'));
    const visitor = await visitorOf(server);
    const sending = await startSend(server, visitor, 'drain-1');

    server.child.kill('SIGTERM');
    const deadline = performance.now() + 2000;
    let ready = await fetch(`${server.url}/readyz`);
    while (ready.status === 200 && performance.now() < deadline) ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { code: 'draining' } });

    const refused = await fetch(`${server.url}/v1/widget/conversations/${visitor.conversationId}/messages`, {
      method: 'POST',
      headers: visitor.headers,
      body: JSON.stringify({ text: 'Another one', clientMessageId: 'drain-2' }),
    });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'draining' } });

    const events = await sending.events;
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'complete' } });
    expect(await server.exited).toBe(0);
    expect(isAlive(ferretPid)).toBe(false);
  });

  it('leaves what is still streaming at the drain timeout to lease recovery, and exits 0', async () => {
    gemini ??= await startFakeGemini();
    gemini.enqueue({ chunks: Array.from({ length: 60 }, (_, i) => `word${i} `), delayMs: 200 });
    const connection = await openTestDatabase(import.meta.url);
    const server = await start({
      MONGODB_URI: testDatabaseUri(import.meta.url),
      GEMINI_API_KEY: gemini.apiKey,
      GEMINI_BASE_URL: gemini.url,
      DRAIN_TIMEOUT_MS: '300',
    });
    const visitor = await visitorOf(server);
    const sending = await startSend(server, visitor, 'timeout-1');

    const stoppedAt = performance.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(performance.now() - stoppedAt).toBeLessThan(10_000);
    expect((await sending.events).map((event) => event.event)).not.toContain('done');

    // Not stored as stopped by the visitor: the in-flight entry stays, under the dead instance's lease, for recovery.
    const messages = messageRepository(await createModels(connection));
    expect(await messages.findById(sending.answerId)).toBeNull();
    expect(await messages.findStream(sending.answerId)).toMatchObject({ id: sending.answerId });
    await connection.close();
  });
});
