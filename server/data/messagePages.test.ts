import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { newConversation, newMessage } from '../test/repositoryInputs.js';
import { startTestApp } from '../test/testApp.js';
import { decodeCursor } from './cursor.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());
const { repos } = app.services;
const tenantId = 'local';
const site = await app.createSite({ name: 'Pages' });
const MINUTE = 60_000;

async function conversationWith(times: Date[]) {
  const conversation = await repos.conversations.create(newConversation({ tenantId, siteId: site.id, now: times[0] as Date }));
  for (const [i, createdAt] of times.entries())
    await repos.messages.insert(
      newMessage({ tenantId, siteId: site.id, conversationId: conversation.id, role: i % 2 ? 'assistant' : 'user', createdAt }),
    );
  return conversation.id;
}

/** Every page back from the latest, oldest first within each, against the stored messages sorted in memory. */
async function expectPagesToMatch(conversationId: string, limit: number) {
  const stored = await app.models.Message.find({ conversationId: new Types.ObjectId(conversationId) }).lean();
  const expected = stored
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id)))
    .map((m) => String(m._id));
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await repos.messages.listForConversation(tenantId, conversationId, limit, decodeCursor(cursor ?? undefined));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((m) => m.id).reverse());
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen).toEqual(expected);
}

describe('history pages back', () => {
  it('returns every message once, in order, whether the conversation is busy, sparse, or older than its slots', async () => {
    const start = new Date('2026-03-10T08:03:00Z');
    const times: Date[] = [];
    // 40 minutes of a busy conversation (a message every 20 s, ties included), a gap of three days, then a message
    // every 7 hours (slots far apart: the whole conversation is read past 21 hours), then a busy burst again.
    for (let i = 0; i < 120; i++) times.push(new Date(start.getTime() + Math.floor(i / 3) * MINUTE));
    for (let i = 0; i < 12; i++) times.push(new Date(start.getTime() + 3 * 86_400_000 + i * 7 * 60 * MINUTE));
    for (let i = 0; i < 60; i++) times.push(new Date(start.getTime() + 7 * 86_400_000 + i * 15_000));
    const busy = await conversationWith(times);
    for (const limit of [1, 7, 50]) await expectPagesToMatch(busy, limit);

    // Messages stored before slots existed (no `slot`), older than the others: pages reach them too.
    const legacy = await conversationWith([new Date('2026-03-01T10:00:00Z'), new Date('2026-03-01T10:00:30Z')]);
    await app.models.Message.updateMany({ conversationId: new Types.ObjectId(legacy) }, { $unset: { slot: 1 } });
    const later = Array.from({ length: 30 }, (_, i) => new Date(Date.parse('2026-03-02T10:00:00Z') + i * 10_000));
    for (const [i, createdAt] of later.entries())
      await repos.messages.insert(
        newMessage({ tenantId, siteId: site.id, conversationId: legacy, text: `later ${i}`, createdAt }),
      );
    for (const limit of [4, 50]) await expectPagesToMatch(legacy, limit);
  });
});
