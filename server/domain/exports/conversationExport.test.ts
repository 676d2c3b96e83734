import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportedConversation, ExportQuery } from '../../../contract/exports.js';
import { utcDay } from '../../data/cursor.js';
import { json } from '../../test/json.js';
import { PAGE_ORIGIN } from '../../test/reliability/seedTenant.js';
import { startTestApp } from '../../test/testApp.js';
import { EXPORT_READS, type ExportReads } from './conversationExport.js';

/** The export's read-ahead over the real database: order across pages and chunks, and a failure that is not hidden. */
const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const TENANT = 'local';
const site = await app.createSite({ name: 'Export order', allowedOrigins: [PAGE_ORIGIN] });
const visitor = await app.startVisitor(site.publicKey);
for (let i = 0; i < 7; i++) {
  const conversation = await visitor.newConversation();
  await visitor.send(conversation.id, `Question ${i}`, `q-${i}`);
}

async function exported(query: Partial<ExportQuery>, reads?: ExportReads): Promise<ExportedConversation[]> {
  const all: ExportedConversation[] = [];
  const full = { format: 'json', siteId: site.id, ...query } as Parameters<typeof app.services.exportConversations>[1];
  for await (const conversation of app.services.exportConversations(TENANT, full, { reads })) all.push(conversation);
  return all;
}

describe('exportConversations', () => {
  it('keeps the list’s order across pages and chunks read ahead, whatever their sizes', async () => {
    const listed = (await json(await app.admin(`/v1/admin/conversations?siteId=${site.id}&limit=50`))).items as { id: string }[];
    expect(listed).toHaveLength(7);
    const reference = await exported({});
    expect(reference.map((c) => c.id)).toEqual(listed.map((c) => c.id));
    expect(reference.every((c) => c.messages.length === 2)).toBe(true);
    for (const reads of [
      { page: 3, chunk: 2, ahead: 3 },
      { page: 2, chunk: 1, ahead: 5 },
      { page: 1, chunk: 1, ahead: 1 },
      { page: 4, chunk: 3, ahead: 2 },
    ])
      expect(await exported({}, reads), JSON.stringify(reads)).toEqual(reference);
  });

  it('ends with the error of a chunk that fails while earlier ones are read, after yielding those only', async () => {
    const reference = await exported({});
    const broken = reference[4] as ExportedConversation;
    const removeBroken = await insertUnreadableMessage(broken.id);
    try {
      // Chunks never span two pages: pages of 3 in chunks of 2 are [0, 1] [2] [3, 4] [5] [6].
      for (const [reads, yielded] of [
        [{ page: 3, chunk: 2, ahead: 3 }, 3],
        [{ page: 10, chunk: 1, ahead: 4 }, 4],
        [{ page: 10, chunk: 5, ahead: 2 }, 0],
      ] as const) {
        const seen: string[] = [];
        const consume = async () => {
          const full = { format: 'json', siteId: site.id } as Parameters<typeof app.services.exportConversations>[1];
          for await (const conversation of app.services.exportConversations(TENANT, full, { reads })) seen.push(conversation.id);
        };
        await expect(consume(), JSON.stringify(reads)).rejects.toThrow(TypeError);
        // Everything before the broken conversation's chunk, nothing from it or after it.
        expect(seen, JSON.stringify(reads)).toEqual(reference.slice(0, yielded).map((c) => c.id));
      }
    } finally {
      await removeBroken();
    }
  });

  it('over HTTP, a failure after the first chunk cuts the download (no closing chunk) rather than ending it short', async () => {
    // More conversations than one chunk, the oldest with a message the repository cannot read.
    const sample = await app.models.Conversation.collection.findOne({ siteId: new Types.ObjectId(site.id) });
    const { _id, ...fields } = sample as NonNullable<typeof sample>;
    const oldest = new Date('2026-01-01T00:00:00Z');
    const clones = Array.from({ length: EXPORT_READS.chunk + 5 }, (_, i) => {
      const at = new Date(oldest.getTime() + i * 60_000);
      return { ...fields, _id: new Types.ObjectId(), lastMessageAt: at, lastDay: utcDay(at), createdAt: at, updatedAt: at };
    });
    await app.models.Conversation.collection.insertMany(clones);
    const removeBroken = await insertUnreadableMessage(String(clones[0]?._id));
    try {
      for (const format of ['csv', 'ndjson', 'json']) {
        const res = await app.admin(`/v1/admin/exports/conversations?format=${format}&siteId=${site.id}`);
        expect(res.status).toBe(200);
        await expect(res.text(), format).rejects.toThrow();
      }
    } finally {
      await removeBroken();
      await app.models.Conversation.collection.deleteMany({ _id: { $in: clones.map((c) => c._id) } });
    }
    // The same export whole again.
    const whole = (await (await app.admin(`/v1/admin/exports/conversations?format=json&siteId=${site.id}`)).json()) as unknown[];
    expect(whole).toHaveLength(7);
  });
});

/** A stored message of the conversation that the repository cannot read (its citations are not a list). */
async function insertUnreadableMessage(conversationId: string): Promise<() => Promise<void>> {
  const sample = await app.models.Message.collection.findOne({ tenantId: TENANT });
  const { _id, ...fields } = sample as NonNullable<typeof sample>;
  const { insertedId } = await app.models.Message.collection.insertOne({
    ...fields,
    conversationId: new Types.ObjectId(conversationId),
    clientMessageId: `unreadable-${conversationId}`,
    citations: 'not a list',
  });
  return async () => {
    await app.models.Message.collection.deleteOne({ _id: insertedId });
  };
}
