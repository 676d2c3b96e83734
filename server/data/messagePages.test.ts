import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKFILL_SLOT } from '../domain/createServices.js';
import { slotBackfill } from '../domain/slotBackfill.js';
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

  it('reads a conversation stored before slots by its slots once the one-time job gave them one', async () => {
    const start = new Date('2026-03-20T10:00:00Z');
    const id = await conversationWith(Array.from({ length: 120 }, (_, i) => new Date(start.getTime() + i * MINUTE)));
    await app.models.Message.updateMany({ conversationId: new Types.ObjectId(id) }, { $unset: { slot: 1 } });
    /** Pages back (reads after a cursor) that read the whole conversation, not a few slots, while all pages are checked. */
    const wholeReadsBack = async () => {
      let whole = 0;
      const listener = (op: { collectionName: string; method: string; params: unknown[] }) => {
        const filter = op.params[0] as Record<string, unknown> | undefined;
        if (op.collectionName === 'messages' && op.method === 'find' && filter?.$or && !filter.slot) whole++;
      };
      app.connection.on('operation-start', listener);
      try {
        for (const limit of [7, 50]) await expectPagesToMatch(id, limit);
      } finally {
        app.connection.off('operation-start', listener);
      }
      return whole;
    };
    // Before: every page back (17 of limit 7, 2 of limit 50) reads the whole conversation.
    expect(await wholeReadsBack()).toBe(19);
    const job = await repos.jobs.findById(String((await app.models.Job.findOne({ key: BACKFILL_SLOT }).lean())?._id));
    if (!job) throw new Error('no slot backfill job');
    await slotBackfill(repos)({ job, signal: new AbortController().signal, progress: async () => {} });
    // After: only the last page of each walk (the slots hold too few: nothing older is left to find).
    expect(await wholeReadsBack()).toBe(2);
  });
});
