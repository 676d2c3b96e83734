import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import type { ChatModel } from '../ai/ChatModel.js';
import { createOfflineModel } from '../ai/offlineModel.js';
import { messageIdFor } from '../data/messageRepository.js';
import { RECENT_CAPACITY } from '../domain/conversationWindow.js';
import type { LeaseSettings } from '../domain/instance.js';
import { randomToken } from '../domain/secrets.js';
import { json } from '../test/json.js';
import { parseSse, startTestApp, type TestApp, type TestAppOptions, untilFirstDelta } from '../test/testApp.js';

/**
 * Several server instances on one database (here: apps in one process, each with its own connection and instance id,
 * as separate processes would have). A restart of one never cuts the answers another is streaming; the answers of an
 * instance that died are recovered by another once their lease expired; concurrent sends to one conversation through
 * different instances keep every message, in order, with exact counters.
 */

// Short leases keep the test quick; 3 s (renewed every 0.5 s) so a loaded machine still renews in time (600 ms missed renewals at load 30).
const LEASES: LeaseSettings = { answerLeaseMs: 3000, renewEveryMs: 500, conversationLockMs: 3000 };
// Instances of one deployment share their secrets.
const visitorTokenSecret = randomToken(32);

/** A model that answers in two parts, holding the second until `release()` (or until its call is aborted). */
function heldModel() {
  let release = () => {};
  let held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const model: ChatModel = {
    name: 'held',
    async *stream(request) {
      yield 'First part. ';
      await new Promise<void>((resolve, reject) => {
        void held.then(resolve);
        request.signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      });
      yield 'Second part.';
      return { finishReason: 'stop', usage: null, model: 'held-1' };
    },
  };
  return {
    model,
    release: () => release(),
    rearm() {
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
  };
}

const instances: TestApp[] = [];
async function instance(instanceId: string, options: TestAppOptions = {}, leases: Partial<LeaseSettings> = {}) {
  const app = await startTestApp(import.meta.url, {
    joinDatabase: instances.length > 0,
    ...options,
    services: { visitorTokenSecret, instanceId, leases: { ...LEASES, ...leases } },
  });
  instances.push(app);
  return app;
}
afterAll(async () => {
  for (const app of instances) await app.close().catch(() => {});
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts a send and returns once its first delta arrived, with a promise of the whole event stream. */
async function startSend(app: TestApp, token: string, conversationId: string, text: string, clientMessageId: string) {
  const res = await app.request(`/v1/widget/conversations/${conversationId}/messages`, {
    method: 'POST',
    token,
    headers: { origin: 'http://localhost:5173' },
    json: { text, clientMessageId, imageIds: [] },
  });
  expect(res.status).toBe(200);
  const { events } = await untilFirstDelta(res);
  return { events, answerId: messageIdFor(conversationId, clientMessageId, 'assistant') };
}

const held = heldModel();
const a = await instance('instance-a', { model: held.model });
const b = await instance('instance-b', { model: held.model });
const site = await a.createSite({ name: 'Many instances' });
// The visitor's own requests go through B; A is the one that restarts.
const visitor = await b.startVisitor(site.publicKey);

describe('in-flight answers belong to the instance streaming them', () => {
  it('a restart of one instance does not cut the answer another is streaming', async () => {
    const conversation = await visitor.newConversation();
    const sending = await startSend(b, visitor.token, conversation.id, 'Tell me a long story', 'long-1');
    const stream = await b.services.repos.messages.findStream(sending.answerId);
    expect(stream).toMatchObject({ owner: 'instance-b' });

    // Instance A restarts: a new process, a new id, and its start-up recovery runs while B streams.
    await a.close();
    const restarted = await instance('instance-a2', { model: held.model });
    expect(await restarted.services.chat.recoverInterrupted()).toBe(0);
    // Well past one lease: B's renewals keep its answer alive, so periodic recovery leaves it too.
    await sleep(LEASES.answerLeaseMs * 2);
    expect(await restarted.services.chat.recoverInterrupted()).toBe(0);
    expect((await b.services.repos.messages.findStream(sending.answerId))?.leaseUntil.getTime()).toBeGreaterThan(Date.now());

    held.release();
    const events = await sending.events;
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { id: sending.answerId, status: 'complete', text: 'First part. Second part.' },
    });
    expect(await b.services.repos.messages.isStreaming(sending.answerId)).toBe(false);
    held.rearm();
  });

  it("a killed instance's answers are recovered by another once their lease expired, never before", async () => {
    // An instance that dies mid-answer: from then on it renews nothing (here its renewals never come) and its model
    // never answers.
    const dying = heldModel();
    const killed = await instance('instance-killed', { model: dying.model }, { renewEveryMs: 3_600_000 });
    const conversation = await visitor.newConversation();
    const sending = await startSend(killed, visitor.token, conversation.id, 'Are you there?', 'killed-1');

    // Every instance also runs recovery every lease-length in the background: whichever comes first stores it.
    await b.services.chat.recoverInterrupted();
    expect(await b.services.repos.messages.findById(sending.answerId)).toBeNull();
    expect(await b.services.repos.messages.isStreaming(sending.answerId)).toBe(true);
    await sleep(LEASES.answerLeaseMs + 200);
    await b.services.chat.recoverInterrupted();
    expect(await b.services.repos.messages.isStreaming(sending.answerId)).toBe(false);
    const recovered = await b.services.repos.messages.findById(sending.answerId);
    expect(recovered).toMatchObject({ status: 'error', errorCode: 'interrupted' });

    // The visitor sees it through any instance, and retries it to completion elsewhere.
    const page = await json(
      await b.request(`/v1/widget/conversations/${conversation.id}/messages`, {
        token: visitor.token,
        headers: { origin: 'http://localhost:5173' },
      }),
    );
    expect(page.items.map((m: Message) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
    held.release();
    const retried = parseSse(
      await (
        await b.request(`/v1/widget/messages/${sending.answerId}/retry`, {
          method: 'POST',
          token: visitor.token,
          headers: { origin: 'http://localhost:5173' },
        })
      ).text(),
    );
    expect(retried.at(-1)).toMatchObject({ event: 'done', data: { id: sending.answerId, status: 'complete' } });
    held.rearm();

    // Had the "dead" instance only been cut off and come back, its late answer does not replace the stored one.
    dying.release();
    const late = await sending.events;
    expect(late.at(-1)).toMatchObject({ event: 'done', data: { id: sending.answerId, text: 'First part. Second part.' } });
    expect(await b.services.repos.messages.findById(sending.answerId)).toMatchObject({ status: 'complete' });
  });
});

describe('per-conversation ordering across instances', () => {
  it('concurrent sends to one conversation through two instances keep every message, in order, with exact counters', async () => {
    const quick = createOfflineModel({ chunkDelayMs: 0 });
    // Leases as long as production's: under this load (every send waits for the conversation's lock) a renewal can
    // lag past the short test lease, and the answer would be recovered as interrupted (correctly, but not the point).
    const steady = { answerLeaseMs: 15_000, renewEveryMs: 5000, conversationLockMs: 15_000 };
    const one = await instance('instance-c', { model: quick }, steady);
    const two = await instance('instance-d', { model: quick }, steady);
    const conversation = await visitor.newConversation();
    const sends = 12;
    const results = await Promise.all(
      Array.from({ length: sends }, async (_, i) => {
        const app = i % 2 ? two : one;
        const res = await app.request(`/v1/widget/conversations/${conversation.id}/messages`, {
          method: 'POST',
          token: visitor.token,
          headers: { origin: 'http://localhost:5173' },
          json: { text: `Question ${i}`, clientMessageId: `concurrent-${i}`, imageIds: [] },
        });
        return parseSse(await res.text());
      }),
    );
    for (const events of results) expect(events.at(-1)).toMatchObject({ event: 'done' });

    const { repos } = one.services;
    const stored = await repos.messages.listForConversation('local', conversation.id, RECENT_CAPACITY);
    expect(stored.items).toHaveLength(sends * 2);
    const record = await repos.conversations.findById(conversation.id);
    expect(record?.messageCount).toBe(sends * 2);
    // The window (read by either instance) holds every message, in stored order: no write lost another's.
    const window = await two.services.repos.conversations.recentMessages(record as NonNullable<typeof record>);
    expect(window?.map((m) => m.id)).toEqual(stored.items.map((m) => m.id));
    expect(await one.models.ConversationLock.countDocuments({})).toBe(0);
  });

  it('a lock left by a dead holder is taken over after it expires, and the window it guarded is rebuilt', async () => {
    const quick = await instance('instance-e', { model: createOfflineModel({ chunkDelayMs: 0 }) });
    const send = async (text: string, clientMessageId: string) => {
      const res = await quick.request(`/v1/widget/conversations/${conversation.id}/messages`, {
        method: 'POST',
        token: visitor.token,
        headers: { origin: 'http://localhost:5173' },
        json: { text, clientMessageId, imageIds: [] },
      });
      return parseSse(await res.text());
    };
    const conversation = await visitor.newConversation();
    for (const n of [1, 2]) expect((await send(`Before ${n}`, `before-${n}`)).at(-1)?.event).toBe('done');
    const { repos } = b.services;
    // A writer died holding the lock, after storing a message and before writing the window.
    const started = Date.now();
    await b.models.ConversationLock.collection.insertOne({
      _id: new Types.ObjectId(conversation.id),
      holder: 'dead-instance:1',
      until: new Date(Date.now() + LEASES.conversationLockMs),
    });
    await repos.conversations.setRecentMessages(conversation.id, { messages: [] });

    expect((await send('After', 'after-1')).at(-1)?.event).toBe('done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEASES.conversationLockMs - 100);
    const stored = await repos.messages.listForConversation('local', conversation.id, RECENT_CAPACITY);
    const record = await repos.conversations.findById(conversation.id);
    const window = await repos.conversations.recentMessages(record as NonNullable<typeof record>);
    expect(stored.items).toHaveLength(6);
    expect(window?.map((m) => m.id)).toEqual(stored.items.map((m) => m.id));
  });
});
