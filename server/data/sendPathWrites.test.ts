import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { asStored } from '../domain/chat/recordTurn.js';
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
    asStored(
      newMessage({
        ...owner,
        createdAt: new Date(at.getTime() + 3000),
        role: 'agent',
        author: { id: 'agent-1', name: 'Ada' },
        text: 'A person here',
        clientMessageId: null,
      }),
    ),
  ];
}

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
    await repos.conversations.setRecentMessages(conversation.id, messages, copy);

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
    expect(written).toEqual({ ...expected, _id: new Types.ObjectId(conversation.id) });
    expect(written?.messages[1].usage).toEqual({ inputTokens: 12, outputTokens: 34 });

    const read = await repos.conversations.sendWindow(conversation.id, conversation);
    expect(read.copy).toEqual(copy);
    // Read back as written: `author` null when the record had none, the usage without what the schema does not keep.
    const usage = { inputTokens: 12, outputTokens: 34 };
    expect(read.messages).toEqual(messages.map((m, i) => ({ ...m, author: m.author ?? null, ...(i === 1 ? { usage } : {}) })));

    // A write without a copy keeps it; marking the window stale removes it (its writer may have died between the two).
    await repos.conversations.setRecentMessages(conversation.id, messages.slice(1));
    expect((await repos.conversations.sendWindow(conversation.id, conversation)).copy).toEqual(read.copy);
    await repos.conversations.markWindowStale(conversation.id);
    expect(await raw(conversation.id)).toMatchObject({ stale: true });
    expect(await raw(conversation.id)).not.toHaveProperty('conversation');
    expect(await repos.conversations.sendWindow(conversation.id, conversation)).toEqual({ messages: null, copy: null });
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
      });
    }
    expect(await raw(ours.id)).toMatchObject({ thumbnailImageId: null, lastDay: '2026-04-03' });
    expect(await repos.conversations.recordActivity(String(new Types.ObjectId()), activity(null))).toBe(false);
  });
});
