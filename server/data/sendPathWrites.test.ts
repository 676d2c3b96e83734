import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { asStored } from '../domain/chat/recordTurn.js';
import { RECENT_CAPACITY, windowAfter } from '../domain/conversationWindow.js';
import { newConversation, newMessage } from '../test/repositoryInputs.js';
import { startTestApp } from '../test/testApp.js';
import type { MessageRecord } from './messageRepository.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());
const { repos } = app.services;
const models = app.models;
const tenantId = 'local';
const site = await app.createSite({ name: 'Window writes' });
const at = new Date('2026-04-02T10:00:00Z');

/** Messages with every field a window keeps set, nested ones included, and a few left null. */
function richMessages(conversationId: string): MessageRecord[] {
  const owner = { tenantId, siteId: site.id, conversationId };
  const image = (n: number) => ({
    id: String(new Types.ObjectId()),
    storage: 'local' as const,
    key: `k${n}`,
    url: `/images/k${n}`,
    mimeType: 'image/png',
    width: 10 * n,
    height: 20 * n,
  });
  return [
    asStored(newMessage({ ...owner, createdAt: at, text: 'with images', images: [image(1), image(2)] })),
    {
      ...asStored(
        newMessage({
          ...owner,
          createdAt: new Date(at.getTime() + 1000),
          role: 'assistant',
          text: 'cited [1][2]',
          model: 'gemini-2.5-flash',
          // A provider's usage may carry more than the window keeps: the schema's two counts are stored.
          usage: { inputTokens: 12, outputTokens: 34, totalTokens: 46 } as MessageRecord['usage'],
          citations: [
            { sourceId: 's1', title: 'Pricing', url: 'https://example.test/pricing', page: null, snippet: 'Plans…' },
            { sourceId: 's2', title: 'Guide.pdf', url: null, page: 3, snippet: 'Page three' },
          ],
          grounded: true,
          retrievalScore: 0.82,
        }),
      ),
      feedback: 'up',
    },
    asStored(
      newMessage({
        ...owner,
        createdAt: new Date(at.getTime() + 2000),
        role: 'assistant',
        text: '',
        status: 'error',
        errorCode: 'model_unavailable',
        clientMessageId: null,
      }),
    ),
    {
      ...asStored(
        newMessage({
          ...owner,
          createdAt: new Date(at.getTime() + 3000),
          role: 'agent',
          author: { id: 'agent-1', name: 'Ada' },
          text: 'A person here',
          clientMessageId: null,
        }),
      ),
      // Changed after it was created (a window keeps `updatedAt` only then).
      updatedAt: new Date(at.getTime() + 4000),
    },
  ];
}

/** The fields a stored message leaves out when empty. */
const OPTIONAL = ['author', 'images', 'errorCode', 'model', 'usage', 'feedback', 'citations', 'retrievalScore'];

describe("the send path's writes through the driver", () => {
  it('the window: stores exactly what the schema-cast write stored, and reads back the records it was given', async () => {
    const conversation = await repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: at }));
    const messages = richMessages(conversation.id);
    // With the copy of its conversation a send reads (`recordTurn` writes it with the window).
    const image = String(new Types.ObjectId());
    const counters = {
      mode: 'ai' as const,
      title: 'With images',
      firstQuestion: 'with images',
      messageCount: 4,
      countedAnswers: ['a'.repeat(24)],
      hasImages: true,
    };
    const owner = { id: conversation.id, tenantId, siteId: site.id, visitorId: conversation.visitorId };
    const copy = { conversation: { ...owner, ...counters, thumbnailImageId: image }, searchText: '\nwith images\ncited' };
    await repos.conversations.setRecentMessages(conversation.id, { messages }, copy);

    // The same window through Mongoose's cast (how it was written before), mapped as the records were then.
    const cast = new Types.ObjectId();
    await models.ConversationWindow.updateOne(
      { _id: cast },
      {
        $set: {
          messages: messages.map(({ id, tenantId: _t, siteId: _s, conversationId: _c, images, ...rest }) => ({
            _id: new Types.ObjectId(id),
            ...rest,
            author: rest.author ?? null,
            images: images.map(({ id: imageId, ...image }) => ({ _id: new Types.ObjectId(imageId), ...image })),
          })),
          stale: false,
          conversation: {
            tenantId,
            siteId: new Types.ObjectId(site.id),
            visitorId: new Types.ObjectId(conversation.visitorId),
            ...counters,
            thumbnailImageId: new Types.ObjectId(image),
            searchText: copy.searchText,
          },
        },
      },
      { upsert: true },
    );
    const raw = (id: Types.ObjectId | string) =>
      models.ConversationWindow.collection.findOne({ _id: typeof id === 'string' ? new Types.ObjectId(id) : id });
    const written = await raw(conversation.id);
    const expected = await raw(cast);
    // The cast stored every optional field, empty ones as null or []; ours leaves those out (`storedOptionalFields`),
    // and, in a window, the fields at what most messages have (`toWindowMessage`).
    const empty = (key: string, value: unknown) =>
      OPTIONAL.includes(key) && (value === null || (Array.isArray(value) && value.length === 0));
    const usual = (m: Record<string, unknown>, key: string, value: unknown) =>
      (key === 'status' && value === 'complete') ||
      (key === 'grounded' && value === false) ||
      (key === 'clientMessageId' && value === null) ||
      (key === 'updatedAt' && (value as Date).getTime() === (m.createdAt as Date).getTime());
    const lean = (m: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(m).filter(([k, v]) => !empty(k, v) && !usual(m, k, v)));
    expect(written).toEqual({
      ...expected,
      _id: new Types.ObjectId(conversation.id),
      messages: expected?.messages.map(lean),
      // The counted answers as one string of ids.
      conversation: { ...expected?.conversation, countedAnswers: counters.countedAnswers.join(' ') },
    });
    expect(written?.messages[0]).not.toHaveProperty('errorCode');
    expect(written?.messages[1].usage).toEqual({ inputTokens: 12, outputTokens: 34 });

    const read = await repos.conversations.sendWindow(conversation.id, conversation);
    expect(read.copy).toEqual(copy);
    // Read back as written: `author` null when the record had none, the usage without what the schema does not keep.
    const usage = { inputTokens: 12, outputTokens: 34 };
    expect(read.messages).toEqual(messages.map((m, i) => ({ ...m, author: m.author ?? null, ...(i === 1 ? { usage } : {}) })));
    // A window written before, with its empty fields stored, reads back the same records.
    const before = (await repos.conversations.sendWindow(String(cast), conversation)).messages;
    // Its copy's counted answers, an array then, read back as the ids too.
    const beforeCopy = (await repos.conversations.sendWindow(String(cast), conversation)).copy;
    expect(beforeCopy?.conversation.countedAnswers).toEqual(counters.countedAnswers);
    expect(before?.map((m) => ({ ...m, conversationId: conversation.id }))).toEqual(read.messages);

    // A write without a copy keeps it; marking the window stale removes it (its writer may have died between the two).
    await repos.conversations.setRecentMessages(conversation.id, { messages: messages.slice(1) });
    expect((await repos.conversations.sendWindow(conversation.id, conversation)).copy).toEqual(read.copy);
    await repos.conversations.markWindowStale(conversation.id);
    expect(await raw(conversation.id)).toMatchObject({ stale: true });
    expect(await raw(conversation.id)).not.toHaveProperty('conversation');
    expect(await repos.conversations.sendWindow(conversation.id, conversation)).toEqual({ messages: null, copy: null });
  });

  describe('a window with messages appended: pushed, stored exactly as the whole window written', () => {
    const raw = (id: string) => models.ConversationWindow.collection.findOne({ _id: new Types.ObjectId(id) });
    /** `count` plain turns (question, answer) from `at`, a second apart. */
    const turns = (conversationId: string, count: number, from = at) =>
      Array.from({ length: count }, (_, i) =>
        asStored(
          newMessage({
            tenantId,
            siteId: site.id,
            conversationId,
            createdAt: new Date(from.getTime() + i * 1000),
            role: i % 2 ? 'assistant' : 'user',
            text: `message ${i}`,
          }),
        ),
      );
    const copyOf = async (id: string, messageCount: number) => {
      const { copy } = await repos.conversations.sendWindow(id, { tenantId, siteId: site.id });
      if (!copy) throw new Error('the window has no copy');
      return { ...copy, conversation: { ...copy.conversation, messageCount } };
    };

    /**
     * Two conversations whose stored windows hold `window`; then `added` written to the first as `windowAfter` gives it
     * (a push when appended) and to the second whole: both stored documents equal, and equal to the window expected.
     */
    async function bothWays(
      window: (conversationId: string) => MessageRecord[],
      added: (conversationId: string, window: MessageRecord[]) => MessageRecord[],
    ) {
      const create = () => repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: at }));
      const pushed = await create();
      const whole = await create();
      const before = window(pushed.id);
      for (const c of [pushed, whole]) await repos.conversations.setRecentMessages(c.id, { messages: before });
      const write = windowAfter(before, added(pushed.id, before));
      await repos.conversations.setRecentMessages(pushed.id, write, await copyOf(pushed.id, 2));
      await repos.conversations.setRecentMessages(whole.id, { messages: write.messages }, await copyOf(whole.id, 2));
      const [a, b] = await Promise.all([raw(pushed.id), raw(whole.id)]);
      expect({ ...a, _id: null, conversation: { ...a?.conversation, visitorId: null } }).toEqual({
        ...b,
        _id: null,
        conversation: { ...b?.conversation, visitorId: null },
      });
      expect(a?.messages.map((m: { _id: Types.ObjectId }) => String(m._id))).toEqual(write.messages.map((m) => m.id));
      return { write, stored: a, conversation: pushed };
    }

    it('a first turn into an empty window, and turns up to, at and across its capacity', async () => {
      for (const length of [0, 1, RECENT_CAPACITY - 3, RECENT_CAPACITY - 2, RECENT_CAPACITY - 1, RECENT_CAPACITY]) {
        const { write, stored } = await bothWays(
          (id) => turns(id, length),
          (id) => turns(id, 2, new Date(at.getTime() + 86_400_000)),
        );
        expect(write.appended).toHaveLength(2);
        expect(stored?.messages).toHaveLength(Math.min(length + 2, RECENT_CAPACITY));
        expect(stored?.stale).toBe(false);
      }
    });

    it('messages with images, citations, usage, an author and an error appended', async () => {
      const { write, stored } = await bothWays(
        (id) => turns(id, RECENT_CAPACITY - 1),
        (id) =>
          richMessages(id).map((m, i) => ({
            ...m,
            createdAt: new Date(at.getTime() + 86_400_000 + i),
            updatedAt: new Date(at.getTime() + 86_400_000 + i),
          })),
      );
      expect(write.appended).toHaveLength(4);
      expect(stored?.messages.at(-4).images).toHaveLength(2);
      expect(stored?.messages.at(-3).citations).toHaveLength(2);
    });

    it('written whole: a question created before the previous answer, a retried answer, a message out of order', async () => {
      const late = (conversationId: string, ms: number, role: 'user' | 'assistant' = 'user') =>
        asStored(newMessage({ tenantId, siteId: site.id, conversationId, role, createdAt: new Date(at.getTime() + ms) }));
      // The question's instance stamped it before the previous answer was stored (the answer took longer).
      const earlyQuestion = await bothWays(
        (id) => turns(id, 4),
        (id) => [late(id, 2500), late(id, 10_000, 'assistant')],
      );
      expect(earlyQuestion.write.appended).toBeUndefined();
      expect(earlyQuestion.stored?.messages.map((m: { text: string }) => m.text).slice(2, 4)).toEqual(['message 2', 'a message']);
      // A retry replaces its answer (same id) at its new time.
      const retried = await bothWays(
        (id) => turns(id, 4),
        (_, window) => window.slice(-1).map((m) => ({ ...m, text: 'retried', createdAt: new Date(at.getTime() + 60_000) })),
      );
      expect(retried.write.appended).toBeUndefined();
      expect(retried.stored?.messages).toHaveLength(4);
      expect(retried.stored?.messages.at(-1)).toMatchObject({ text: 'retried' });
      // Two added out of order with each other, and one at the very time and id order of the last.
      const swapped = await bothWays(
        (id) => turns(id, 2),
        (id) => [late(id, 9000), late(id, 8000)],
      );
      expect(swapped.write.appended).toBeUndefined();
      const sameTime = await bothWays(
        (id) => turns(id, 2),
        (id) => [{ ...late(id, 1000), id: '0'.repeat(24) }],
      );
      expect(sameTime.write.appended).toBeUndefined();
    });

    it('the push lands only on a trusted window that holds none of its messages; else the window is written whole', async () => {
      const conversation = await repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: at }));
      const window = turns(conversation.id, 4);
      await repos.conversations.setRecentMessages(conversation.id, { messages: window.slice(0, 2) });
      // Given a wrong whole window on purpose, to tell which write landed.
      const append = { messages: [], appended: window.slice(2) };
      await repos.conversations.setRecentMessages(conversation.id, append);
      expect((await repos.conversations.recentMessages(conversation))?.map((m) => m.id)).toEqual(window.map((m) => m.id));
      // Retried after it landed (`persistently`): never twice.
      await repos.conversations.setRecentMessages(conversation.id, { ...append, messages: window });
      expect((await raw(conversation.id))?.messages).toHaveLength(4);
      await repos.conversations.setRecentMessages(conversation.id, append);
      expect((await raw(conversation.id))?.messages).toEqual([]);
      // Marked stale meanwhile (a lock taken over): written whole, trusted again.
      await repos.conversations.setRecentMessages(conversation.id, { messages: window.slice(0, 2) });
      await repos.conversations.markWindowStale(conversation.id);
      await repos.conversations.setRecentMessages(conversation.id, { ...append, messages: window });
      expect(await raw(conversation.id)).toMatchObject({
        stale: false,
        messages: window.map((m) => expect.objectContaining({ text: m.text })),
      });
      // None stored (deleted meanwhile): written whole, as the upsert always did.
      await repos.conversations.deleteWindow(conversation.id);
      await repos.conversations.setRecentMessages(conversation.id, { ...append, messages: window });
      expect((await raw(conversation.id))?.messages).toHaveLength(4);
    });

    it('a stored window longer than its capacity (a FerretDB that ignored `$slice`) is read as its last messages', async () => {
      const conversation = await repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: at }));
      const long = turns(conversation.id, RECENT_CAPACITY + 9);
      await repos.conversations.setRecentMessages(conversation.id, { messages: long });
      expect((await raw(conversation.id))?.messages).toHaveLength(RECENT_CAPACITY + 9);
      const last = long.slice(-RECENT_CAPACITY).map((m) => m.id);
      expect((await repos.conversations.recentMessages(conversation))?.map((m) => m.id)).toEqual(last);
      expect((await repos.conversations.sendWindow(conversation.id, conversation)).messages?.map((m) => m.id)).toEqual(last);
    });
  });

  it("the conversation's counters: store what the schema-cast update stored, `updatedAt` moved as its timestamps move it", async () => {
    const ours = await repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: at }));
    const cast = await repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: at }));
    const activity = (thumbnailImageId: string | null) => ({
      title: 'What plans do you have?',
      firstQuestion: 'What plans do you have? Tell me all',
      messageCount: 4,
      countedAnswers: ['a'.repeat(24), 'b'.repeat(24)],
      hasImages: thumbnailImageId !== null,
      thumbnailImageId,
      searchText: '\nwhat plans\nthree plans',
      lastMessageAt: new Date(at.getTime() + 86_400_000),
    });
    const raw = (id: string) => models.Conversation.collection.findOne({ _id: new Types.ObjectId(id) });
    const image = String(new Types.ObjectId());
    for (const thumbnail of [image, null]) {
      const before = new Date();
      expect(await repos.conversations.recordActivity(ours.id, activity(thumbnail))).toBe(true);
      const { thumbnailImageId, ...fields } = activity(thumbnail);
      await models.Conversation.updateOne(
        { _id: new Types.ObjectId(cast.id) },
        {
          $set: {
            ...fields,
            lastDay: '2026-04-03',
            thumbnailImageId: thumbnailImageId ? new Types.ObjectId(thumbnailImageId) : null,
          },
        },
      );
      const [written, expected] = await Promise.all([raw(ours.id), raw(cast.id)]);
      expect(written?.updatedAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
      expect({ ...written, _id: null, visitorId: null, updatedAt: null }).toEqual({
        ...expected,
        _id: null,
        visitorId: null,
        updatedAt: null,
        // The counted answers as one string of ids.
        countedAnswers: fields.countedAnswers.join(' '),
      });
      // Read back as the ids; and so are those of a conversation written before, as an array.
      expect((await repos.conversations.findById(ours.id))?.countedAnswers).toEqual(fields.countedAnswers);
      expect((await repos.conversations.findById(cast.id))?.countedAnswers).toEqual(fields.countedAnswers);
    }
    expect(await raw(ours.id)).toMatchObject({ thumbnailImageId: null, lastDay: '2026-04-03' });
    expect(await repos.conversations.recordActivity(String(new Types.ObjectId()), activity(null))).toBe(false);
  });
});
