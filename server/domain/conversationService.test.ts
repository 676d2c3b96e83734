import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import type { ChatModel, ChatRequest } from '../ai/ChatModel.js';
import { ModelError } from '../ai/ChatModel.js';
import { messageIdFor, NO_CITATIONS } from '../data/messageRepository.js';
import { json } from '../test/json.js';
import { startTestApp } from '../test/testApp.js';
import { RECENT_CAPACITY, RECENT_PAGE, windowWith } from './conversationWindow.js';

// A provider the test steers: it can fail the next answers, hold an answer until released, and it records the
// context it was given.
const script = { failures: 0, hold: null as Promise<void> | null, requests: [] as ChatRequest[] };
const scripted: ChatModel = {
  name: 'scripted',
  async *stream(request) {
    script.requests.push(request);
    if (script.hold) await script.hold;
    if (script.failures > 0) {
      script.failures--;
      throw new ModelError('model_unavailable', 'down');
    }
    yield `Answer to ${request.turn.text}`;
    return { finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 4 }, model: 'scripted-1' };
  },
};

const app = await startTestApp(import.meta.url, { model: scripted });
afterAll(() => app.close());
const { repos, chat } = app.services;
const site = await app.createSite({ name: 'Window' });
const visitor = await app.startVisitor(site.publicKey);
const tenantId = 'local';

const history = (conversationId: string, query = '') =>
  visitor.request(`/v1/widget/conversations/${conversationId}/messages${query}`).then(json);

/** Every stored message of the conversation, oldest first, straight from the messages collection. */
const collection = async (conversationId: string) =>
  (await repos.messages.listForConversation(tenantId, conversationId, 100)).items;

/** The conversation's window as stored (`null`: none). */
/** The window as the conversation shows it: with the questions still being answered (their in-flight entries carry them). */
async function windowOf(conversationId: string) {
  const conversation = await repos.conversations.findById(conversationId);
  if (!conversation) throw new Error(`no conversation ${conversationId}`);
  const stored = await repos.conversations.recentMessages(conversation);
  const pending = await repos.messages.streamingForConversation(tenantId, conversationId);
  return stored && pending.reduce((shown, s) => (s.question ? windowWith(shown, s.question) : shown), stored);
}

/** The window equals the latest messages of the collection, record for record (images, status, feedback, times). */
async function expectWindowMatchesCollection(conversationId: string) {
  const latest = await repos.messages.listForConversation(tenantId, conversationId, RECENT_CAPACITY);
  expect(await windowOf(conversationId)).toEqual(latest.items);
  // And the first page the widget gets is the collection's first page, with the same cursor.
  for (const limit of [1, 4, RECENT_PAGE]) {
    const expected = await repos.messages.listForConversation(tenantId, conversationId, limit);
    const page = await history(conversationId, `?limit=${limit}`);
    expect(page.items.map((m: Message) => m.id)).toEqual(expected.items.map((m) => m.id));
    expect(page.nextCursor).toBe(expected.nextCursor);
  }
}

async function sendAll(conversationId: string, count: number, prefix: string) {
  for (let i = 1; i <= count; i++) {
    const { events } = await visitor.send(conversationId, `${prefix} ${i}`, `${prefix}-${i}`);
    expect(events.at(-1)?.event).not.toBeUndefined();
  }
}

/** Operations the app sends to the database while `task` runs. */
async function operationsDuring(task: () => Promise<unknown>) {
  const seen: { collection: string; method: string; filter: unknown; options?: unknown }[] = [];
  // The job worker polls its queue in the background; only the request's own operations count here.
  const listener = (op: { collectionName: string; method: string; params: unknown[] }) => {
    if (op.collectionName === 'jobs' || op.collectionName === 'jobclaims') return;
    seen.push({ collection: op.collectionName, method: op.method, filter: op.params[0], options: op.params[1] });
  };
  app.connection.on('operation-start', listener);
  try {
    await task();
  } finally {
    app.connection.off('operation-start', listener);
  }
  return seen;
}

describe("the first page of history from the conversation's window", () => {
  it('equals the messages collection after sends, with images, usage and timestamps', async () => {
    const conversation = await visitor.newConversation();
    await expectWindowMatchesCollection(conversation.id);
    const png = await sharp({ create: { width: 20, height: 10, channels: 3, background: '#3a6' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'a.png');
    const image = await json(await visitor.request('/v1/widget/images', { method: 'POST', body: form }));
    await visitor.send(conversation.id, 'Look at this', 'img-1', [image.id]);
    await sendAll(conversation.id, 2, 'plain');
    await expectWindowMatchesCollection(conversation.id);
    const page = await history(conversation.id);
    expect(page.items).toHaveLength(6);
    expect(page.items[0]).toMatchObject({ text: 'Look at this', images: [{ id: image.id, width: 20, height: 10 }] });
    expect(page.items[1]).toMatchObject({ role: 'assistant', model: 'scripted-1', usage: { inputTokens: 3, outputTokens: 4 } });
    expect(page.nextCursor).toBeNull();
  });

  it('reads the conversation and its window by _id: no query on the messages collection', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 3, 'q');
    let page: { items: Message[] } = { items: [] };
    const operations = await operationsDuring(async () => {
      page = await history(conversation.id, '?limit=50');
    });
    expect(page.items).toHaveLength(6);
    expect(operations.filter((op) => op.collection === 'messages')).toEqual([]);
    expect(operations.map(({ collection, method, filter }) => ({ collection, method, filter }))).toEqual([
      { collection: 'conversations', method: 'findOne', filter: { _id: expect.anything() } },
      { collection: 'conversationwindows', method: 'findOne', filter: { _id: expect.anything() } },
      // The questions still being answered (a few entries at any time, found by the conversation's index).
      { collection: 'streams', method: 'find', filter: { tenantId, conversationId: expect.anything() } },
    ]);
    // Older pages (a cursor) and pages larger than the window still query the messages.
    const older = await operationsDuring(() => history(conversation.id, '?limit=2'));
    expect(older.some((op) => op.collection === 'messages')).toBe(false);
    const cursor = (await history(conversation.id, '?limit=2')).nextCursor;
    const paged = await operationsDuring(() => history(conversation.id, `?limit=2&cursor=${cursor}`));
    expect(paged.some((op) => op.collection === 'messages' && op.method === 'find')).toBe(true);
    const large = await operationsDuring(() => history(conversation.id, `?limit=${RECENT_PAGE + 1}`));
    expect(large.some((op) => op.collection === 'messages' && op.method === 'find')).toBe(true);
  });

  it('pages across the window boundary without a duplicate or missing message (more than the window holds)', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 28, 'long'); // 56 messages
    await expectWindowMatchesCollection(conversation.id);
    const all = (await collection(conversation.id)).map((m) => m.id);
    expect(all).toHaveLength(56);
    expect(await windowOf(conversation.id)).toHaveLength(RECENT_CAPACITY);
    for (const limit of [RECENT_PAGE, 20, 7, 1]) {
      const seen: string[] = [];
      let page = await history(conversation.id, `?limit=${limit}`);
      expect(page.items).toHaveLength(limit);
      for (;;) {
        seen.unshift(...page.items.map((m: Message) => m.id));
        if (!page.nextCursor) break;
        page = await history(conversation.id, `?limit=${limit}&cursor=${page.nextCursor}`);
      }
      expect(seen).toEqual(all);
    }
  });

  it('keeps feedback in the window, on answers inside it; ratings outside it leave the window as it is', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 27, 'rate');
    const stored = await collection(conversation.id);
    const latestAnswer = stored.at(-1) as { id: string };
    const firstAnswer = stored[1] as { id: string }; // older than the window
    for (const [id, rating] of [
      [latestAnswer.id, 'up'],
      [firstAnswer.id, 'down'],
      [latestAnswer.id, 'down'],
      [latestAnswer.id, null],
      [latestAnswer.id, 'up'],
    ] as const) {
      const res = await visitor.request(`/v1/widget/messages/${id}/feedback`, { method: 'POST', json: { rating } });
      expect(res.status).toBe(200);
      await expectWindowMatchesCollection(conversation.id);
    }
    const page = await history(conversation.id, '?limit=2');
    expect(page.items[1]).toMatchObject({ id: latestAnswer.id, feedback: 'up' });
    const record = await repos.conversations.findById(conversation.id);
    expect([record?.ratingUp, record?.ratingDown]).toEqual([1, 1]);
  });

  it('replaces a retried answer in the window as in the collection, even when it is not the last message', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 1, 'before');
    script.failures = 1;
    const failed = await visitor.send(conversation.id, 'Will fail', 'fails');
    const failedAnswer = (failed.events.at(-1)?.data as { message: Message } | undefined)?.message as Message;
    expect(failedAnswer.status).toBe('error');
    await sendAll(conversation.id, 2, 'after');
    await expectWindowMatchesCollection(conversation.id);

    const res = await visitor.request(`/v1/widget/messages/${failedAnswer.id}/retry`, { method: 'POST' });
    expect(await res.text()).toContain('event: done');
    await expectWindowMatchesCollection(conversation.id);
    const page = await history(conversation.id);
    expect(page.items.at(-1)).toMatchObject({ id: failedAnswer.id, status: 'complete', text: 'Answer to Will fail' });
    // The retry was given the turns before its question, without the failed answer.
    expect(script.requests.at(-1)?.history.map((t) => t.text)).toEqual(['before 1', 'Answer to before 1']);
    // The next answer's context pairs the retried answer with its question.
    await sendAll(conversation.id, 1, 'next');
    expect(script.requests.at(-1)?.history.map((t) => t.text)).toEqual([
      'before 1',
      'Answer to before 1',
      'Will fail',
      'Answer to Will fail',
      'after 1',
      'Answer to after 1',
      'after 2',
      'Answer to after 2',
    ]);
  });

  it('shows a question from its echo on while its answer streams (from its in-flight entry), then as the collection does', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 1, 'first');
    let release = () => {};
    script.hold = new Promise((resolve) => {
      release = resolve;
    });
    const res = await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`, {
      method: 'POST',
      json: { text: 'Slow one', clientMessageId: 'slow' },
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let body = '';
    try {
      // The visitor saw their message echoed: a reload from here on shows it.
      while (!body.includes('event: message')) body += new TextDecoder().decode((await reader.read()).value);
      const page = await history(conversation.id);
      expect(page.items.map((m: Message) => m.text)).toEqual(['first 1', 'Answer to first 1', 'Slow one']);
      // Until its answer is stored, the question is kept by its in-flight entry; it joins the collection with the answer.
      const [entry] = await repos.messages.streamingForConversation(tenantId, conversation.id);
      expect(entry?.question?.text).toBe('Slow one');
      expect((await repos.messages.listForConversation(tenantId, conversation.id, 10)).items).toHaveLength(2);
    } finally {
      script.hold = null;
      release();
    }
    for (let next = await reader.read(); !next.done; next = await reader.read()) body += new TextDecoder().decode(next.value);
    expect(body).toContain('event: done');
    await expectWindowMatchesCollection(conversation.id);
    expect((await history(conversation.id)).items).toHaveLength(4);
  });

  it('adds an answer interrupted by a crash at the next start, and repairs a window the crash left behind', async () => {
    const crash = async (conversationId: string, clientMessageId: string, stage: 'question' | 'window' | 'answer') => {
      const now = new Date();
      const question = await repos.messages.insert({
        id: messageIdFor(conversationId, clientMessageId, 'user'),
        tenantId,
        siteId: site.id,
        conversationId,
        role: 'user',
        text: `Asked before the crash (${stage})`,
        images: [],
        status: 'complete',
        errorCode: null,
        clientMessageId,
        model: null,
        usage: null,
        ...NO_CITATIONS,
        createdAt: now,
      });
      const answerId = messageIdFor(conversationId, clientMessageId, 'assistant');
      await repos.messages.startStream({
        id: answerId,
        tenantId,
        siteId: site.id,
        conversationId,
        clientMessageId,
        model: null,
        startedAt: now,
        // Its instance died: the lease is no longer renewed and has expired.
        owner: 'dead-instance',
        leaseUntil: new Date(0),
      });
      if (stage === 'question' || !question) return; // died before the window write
      await repos.conversations.setRecentMessages(conversationId, {
        messages: windowWith((await windowOf(conversationId)) ?? [], question),
      });
      if (stage === 'answer')
        // died after storing the answer, before the window and the in-flight entry were updated
        await repos.messages.insert({
          ...question,
          id: answerId,
          role: 'assistant',
          text: 'Stored answer',
          model: 'x',
          createdAt: new Date(now.getTime() + 5),
        });
    };
    const stages = ['question', 'window', 'answer'] as const;
    const ids: string[] = [];
    for (const stage of stages) {
      const conversation = await visitor.newConversation();
      await sendAll(conversation.id, 2, stage);
      await crash(conversation.id, `crash-${stage}`, stage);
      ids.push(conversation.id);
    }
    expect(await chat.recoverInterrupted()).toBe(3);
    for (const [index, id] of ids.entries()) {
      await expectWindowMatchesCollection(id);
      const last = (await history(id)).items.at(-1);
      if (stages[index] === 'answer') expect(last).toMatchObject({ text: 'Stored answer' });
      else expect(last).toMatchObject({ role: 'assistant', status: 'error', errorCode: 'interrupted' });
    }
  });

  it('reads a conversation without a window (its write failed) from the messages, and rebuilds it at the next send', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 2, 'old');
    await app.models.ConversationWindow.deleteOne({ _id: conversation.id });
    expect(await windowOf(conversation.id)).toBeNull();
    const operations = await operationsDuring(async () => {
      expect((await history(conversation.id)).items.map((m: Message) => m.text)).toEqual([
        'old 1',
        'Answer to old 1',
        'old 2',
        'Answer to old 2',
      ]);
    });
    expect(operations.some((op) => op.collection === 'messages' && op.method === 'find')).toBe(true);

    await sendAll(conversation.id, 1, 'new');
    expect(script.requests.at(-1)?.history).toHaveLength(4);
    await expectWindowMatchesCollection(conversation.id);
  });

  it('serves the admin detail from the window when it holds every message', async () => {
    const conversation = await visitor.newConversation();
    await sendAll(conversation.id, 2, 'admin');
    let detail: { messages: Message[] } = { messages: [] };
    const operations = await operationsDuring(async () => {
      detail = await json(await app.admin(`/v1/admin/conversations/${conversation.id}`));
    });
    expect(detail.messages.map((m) => m.id)).toEqual((await collection(conversation.id)).map((m) => m.id));
    expect(operations.filter((op) => op.collection === 'messages')).toEqual([]);
  });

  it("keeps a new conversation's window empty, and removes the window with the conversation", async () => {
    const conversation = await visitor.newConversation();
    const operations = await operationsDuring(async () => {
      expect(await history(conversation.id)).toEqual({ items: [], nextCursor: null });
    });
    expect(operations.filter((op) => op.collection === 'messages')).toEqual([]);
    await sendAll(conversation.id, 1, 'gone');
    expect(await windowOf(conversation.id)).toHaveLength(2);
    expect((await app.admin(`/v1/admin/conversations/${conversation.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await app.models.ConversationWindow.findById(conversation.id).lean()).toBeNull();
  });

  it('keeps the search text (and the turns older conversations kept) out of list reads', async () => {
    const operations = await operationsDuring(async () => {
      await visitor.request('/v1/widget/conversations?limit=5');
      await app.admin('/v1/admin/conversations?limit=5');
    });
    const lists = operations.filter((op) => op.collection === 'conversations' && op.method === 'find');
    // The visitor's list is one read; the admin list reads a window of days at a time (at least one).
    expect(lists.length).toBeGreaterThanOrEqual(2);
    for (const list of lists) expect(list.options).toMatchObject({ projection: { searchText: 0 } });
  });
});
