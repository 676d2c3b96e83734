import { afterAll, describe, expect, it } from 'vitest';
import { type MessageRecord, messageIdFor, NO_CITATIONS } from '../../data/messageRepository.js';
import { newMessage } from '../../test/repositoryInputs.js';
import { parseSse, startGeminiTestApp } from '../../test/testApp.js';
import { RECENT_CAPACITY } from '../conversationWindow.js';
import { asStored } from './recordTurn.js';

/**
 * A send writes, in order: its in-flight entry carrying the question (a send with images, or one handed to a person,
 * stores its question first), the question with the answer (one insert), the window and the counters (one update),
 * then ends the entry. An instance can die between any two of these writes. Each case below leaves in the database
 * what a dead instance leaves at one boundary (its entry's lease expired), then lets the visitor and the surviving
 * instance go on as they do (resend, retry, recovery, next send), and requires the conversation's counters and window
 * to match the stored messages exactly: each answer counted once with its question, whatever path stored it.
 */
const app = await startGeminiTestApp(import.meta.url, { gemini: { firstTokenTimeoutMs: 2000 } });
const { gemini } = app;
afterAll(() => app.close());

const repos = app.services.repos;
const site = await app.createSite({ name: 'Crashes' });
const visitor = await app.startVisitor(site.publicKey);

/** What an instance that died mid-send left: the question, its answer as far as it got, its in-flight entry. */
async function leftByDeadInstance(
  conversationId: string,
  clientMessageId: string,
  left: { answer?: Pick<MessageRecord, 'text' | 'status' | 'errorCode'>; entry: boolean },
): Promise<string> {
  const base = {
    tenantId: 'local',
    siteId: site.id,
    conversationId,
    images: [],
    status: 'complete' as const,
    errorCode: null,
    clientMessageId,
    model: null,
    usage: null,
    ...NO_CITATIONS,
    createdAt: new Date(),
  };
  const question = await repos.messages.insert({
    ...base,
    id: messageIdFor(conversationId, clientMessageId, 'user'),
    role: 'user',
    text: 'Hello?',
  });
  const answerId = messageIdFor(conversationId, clientMessageId, 'assistant');
  if (left.answer)
    await repos.messages.insert({
      ...base,
      ...left.answer,
      id: answerId,
      role: 'assistant',
      model: 'gemini-2.5-flash',
      createdAt: new Date(base.createdAt.getTime() + 1),
    });
  if (left.entry) await deadEntry(conversationId, clientMessageId, { question });
  return answerId;
}

/** An in-flight entry whose instance died (its lease expired): a new send's (with its question) or a retry's. */
const deadEntry = (conversationId: string, clientMessageId: string, kind: { question: MessageRecord | null } | { retry: true }) =>
  repos.messages.startStream({
    id: messageIdFor(conversationId, clientMessageId, 'assistant'),
    tenantId: 'local',
    siteId: site.id,
    conversationId,
    clientMessageId,
    model: null,
    startedAt: new Date(),
    owner: 'dead-instance',
    leaseUntil: new Date(0),
    ...kind,
  });

/** A new send's question as its in-flight entry carries it, before it is stored. */
const unstoredQuestion = (conversationId: string, clientMessageId: string, text: string): MessageRecord =>
  asStored(
    newMessage({
      id: messageIdFor(conversationId, clientMessageId, 'user'),
      tenantId: 'local',
      siteId: site.id,
      conversationId,
      text,
      clientMessageId,
      createdAt: new Date(),
    }),
  );

const retry = async (answerId: string) =>
  parseSse(await (await visitor.request(`/v1/widget/messages/${answerId}/retry`, { method: 'POST' })).text()).at(-1);

/** The counters and the window (what the widget's first page and the model's context show) against the collection. */
async function expectExact(conversationId: string, messages: number) {
  const conversation = await repos.conversations.findById(conversationId);
  if (!conversation) throw new Error('conversation gone');
  const stored = (await repos.messages.listForConversation('local', conversationId, 100)).items;
  const window = (await repos.conversations.recentMessages(conversation)) ?? stored;
  expect({ messageCount: conversation.messageCount, stored: stored.length }).toEqual({
    messageCount: messages,
    stored: messages,
  });
  // The window is the conversation's latest messages.
  expect(window.map((m) => [m.id, m.status])).toEqual(stored.slice(-RECENT_CAPACITY).map((m) => [m.id, m.status]));
  expect(await repos.messages.streamingForConversation('local', conversationId)).toEqual([]);
}

describe('counters after an instance died at each write boundary of a send', () => {
  it('after the question, before its in-flight entry: the resend answers it once', async () => {
    const conversation = await visitor.newConversation();
    const answerId = await leftByDeadInstance(conversation.id, 'q', { entry: false });
    const again = await visitor.send(conversation.id, 'Hello?', 'q');
    expect(again.events.at(-1)).toMatchObject({ event: 'done', data: { id: answerId, status: 'complete' } });
    await expectExact(conversation.id, 2);
  });

  it.each([
    ['its own conversation: recovery stores the question and counts it with an interrupted answer', true],
    ['another visitor’s conversation: never shown, recovery stores nothing of it', false],
  ])('after its entry and the lock, before the window said whose conversation it is (%s)', async (_name, own) => {
    const conversation = await visitor.newConversation();
    await visitor.send(conversation.id, 'Before', 'before');
    const sender = own ? visitor.session.visitorId : (await app.startVisitor(site.publicKey)).session.visitorId;
    const question = unstoredQuestion(conversation.id, 'unchecked', 'Sent before the check');
    // What the send inserted in one command: its entry (with the sender) and the conversation's lock, both expired.
    await repos.messages.startStream({
      id: messageIdFor(conversation.id, 'unchecked', 'assistant'),
      tenantId: 'local',
      siteId: site.id,
      visitorId: sender,
      conversationId: conversation.id,
      clientMessageId: 'unchecked',
      model: null,
      startedAt: new Date(),
      owner: 'dead-instance',
      leaseUntil: new Date(0),
      question,
    });
    expect(await repos.locks.tryAcquire(conversation.id, 'dead-instance:1', new Date(0))).toBe(true);
    const shown = async () =>
      (await (await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`)).text()).includes(question.text);
    expect(await shown()).toBe(own);
    await app.services.chat.recoverInterrupted();
    expect(await repos.messages.findStream(messageIdFor(conversation.id, 'unchecked', 'assistant'))).toBeNull();
    expect(Boolean(await repos.messages.findById(question.id))).toBe(own);
    await expectExact(conversation.id, own ? 4 : 2);
    expect(await shown()).toBe(own);
    // The owner's next send takes over the expired lock (the window distrusted, rebuilt) and is counted once.
    const next = await visitor.send(conversation.id, 'Next', 'next');
    expect([next.events.at(0)?.event, next.events.at(-1)?.event]).toEqual(['message', 'done']);
    await expectExact(conversation.id, own ? 6 : 4);
  });

  it('while streaming (entry with its question, neither stored): recovery stores both and counts them once', async () => {
    const conversation = await visitor.newConversation();
    await visitor.send(conversation.id, 'Before', 'before');
    const question = unstoredQuestion(conversation.id, 'unstored', 'Only in my entry');
    await deadEntry(conversation.id, 'unstored', { question });
    await app.services.chat.recoverInterrupted();
    expect(await repos.messages.findById(question.id)).toMatchObject({ text: 'Only in my entry', role: 'user' });
    const answerId = messageIdFor(conversation.id, 'unstored', 'assistant');
    expect(await repos.messages.findById(answerId)).toMatchObject({ status: 'error', errorCode: 'interrupted' });
    await expectExact(conversation.id, 4);
    // The resend replays what recovery stored; the retry answers it without counting again.
    const again = await visitor.send(conversation.id, 'Only in my entry', 'unstored');
    expect(again.events.at(-1)).toMatchObject({ data: { message: { id: answerId, errorCode: 'interrupted' } } });
    expect(await retry(answerId)).toMatchObject({ event: 'done', data: { id: answerId, status: 'complete' } });
    await expectExact(conversation.id, 4);
  });

  it('a resend of a question answered long ago (out of the window) is replayed, never answered again', async () => {
    const conversation = await visitor.newConversation();
    const first = await visitor.send(conversation.id, 'First', 'first');
    for (let i = 0; i < 26; i++) await visitor.send(conversation.id, `Turn ${i}`, `long-${i}`);
    await expectExact(conversation.id, 54);
    const calls = gemini.requests.length;
    for (const clientMessageId of ['first', 'long-25']) {
      const again = await visitor.send(conversation.id, 'Resent', clientMessageId);
      expect(again.events.map((e) => e.event)).toEqual(['message', 'done']);
    }
    expect((await visitor.send(conversation.id, 'Resent', 'first')).events.at(-1)?.data).toEqual(first.events.at(-1)?.data);
    expect(gemini.requests.length).toBe(calls);
    await expectExact(conversation.id, 54);
  });

  it('while streaming (entry, no answer): recovered as interrupted and counted; its retry counts nothing more', async () => {
    const conversation = await visitor.newConversation();
    await visitor.send(conversation.id, 'Before', 'before');
    const answerId = await leftByDeadInstance(conversation.id, 'streaming', { entry: true });
    await app.services.chat.recoverInterrupted();
    expect(await repos.messages.findById(answerId)).toMatchObject({ status: 'error', errorCode: 'interrupted' });
    await expectExact(conversation.id, 4);
    expect(await retry(answerId)).toMatchObject({ event: 'done', data: { id: answerId, status: 'complete' } });
    await expectExact(conversation.id, 4);
  });

  it('after storing its answer, before counting it: the resend replays it, and the next send and recovery count it once', async () => {
    const conversation = await visitor.newConversation();
    const answerId = await leftByDeadInstance(conversation.id, 'stored', {
      answer: { text: 'Stored, not counted', status: 'complete', errorCode: null },
      entry: true,
    });
    const replayed = await visitor.send(conversation.id, 'Hello?', 'stored');
    expect(replayed.events.map((e) => e.event)).toEqual(['message', 'done']);
    expect(replayed.events.at(-1)?.data).toMatchObject({ id: answerId, text: 'Stored, not counted' });
    await visitor.send(conversation.id, 'Next', 'next');
    await app.services.chat.recoverInterrupted();
    await expectExact(conversation.id, 4);
  });

  it.each([
    ['its instance stored a failed answer', { text: 'Half an', status: 'error' as const, errorCode: 'model_unavailable' }],
    ['the recovering instance stored it as interrupted', { text: '', status: 'error' as const, errorCode: 'interrupted' }],
  ])(
    'after storing a failed answer, before counting it (%s): a retry before any recovery counts it once',
    async (_name, answer) => {
      const conversation = await visitor.newConversation();
      const answerId = await leftByDeadInstance(conversation.id, 'failed', { answer, entry: true });
      expect(await retry(answerId)).toMatchObject({ event: 'done', data: { id: answerId, status: 'complete' } });
      await expectExact(conversation.id, 2);
      await app.services.chat.recoverInterrupted();
      await expectExact(conversation.id, 2);
    },
  );

  it('after counting, before ending its entry: recovery counts nothing more', async () => {
    const conversation = await visitor.newConversation();
    await visitor.send(conversation.id, 'Counted', 'counted');
    await deadEntry(conversation.id, 'counted', { question: null });
    await app.services.chat.recoverInterrupted();
    await expectExact(conversation.id, 2);
  });

  it('in the middle of a retry of an answer counted long before: recovery counts nothing more, the next retry neither', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ httpError: { code: 500 } });
    const failed = await visitor.send(conversation.id, 'Fails', 'old');
    const answerId = messageIdFor(conversation.id, 'old', 'assistant');
    expect(failed.events.at(-1)).toMatchObject({ event: 'error', data: { message: { id: answerId, status: 'error' } } });
    // More turns than the conversation remembers counted answers for.
    for (let i = 0; i < 21; i++) await visitor.send(conversation.id, `Turn ${i}`, `turn-${i}`);
    await expectExact(conversation.id, 44);
    await deadEntry(conversation.id, 'old', { retry: true });
    await app.services.chat.recoverInterrupted();
    await expectExact(conversation.id, 44);
    expect(await retry(answerId)).toMatchObject({ event: 'done', data: { id: answerId, status: 'complete' } });
    await expectExact(conversation.id, 44);
  });
});
