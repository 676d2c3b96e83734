import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/testApp.js';
import type { ConversationFilter } from './conversationRepository.js';
import { decodeCursor } from './cursor.js';
import { dayWindows } from './dayWindows.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());
const { repos } = app.services;
const tenantId = 'local';
const [one, two] = [await app.createSite({ name: 'One' }), await app.createSite({ name: 'Two' })];
const DAY = 86_400_000;
const now = new Date('2026-06-15T10:00:00Z');

/** Every page of the admin list from the first, following the cursors: the ids in order. */
async function pageThrough(filter: ConversationFilter, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await repos.conversations.list(filter, limit, decodeCursor(cursor ?? undefined), now);
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

describe('day windows', () => {
  it('cover every day from the newest to the oldest once, in windows doubling up to 128 days', () => {
    const windows = [...dayWindows('2026-06-15', '2025-01-01')];
    expect(windows.map((w) => w.length).slice(0, 9)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 128]);
    const days = windows.flat();
    expect(days[0]).toBe('2026-06-15');
    expect(days.at(-1)).toBe('2025-01-01');
    expect(new Set(days).size).toBe(days.length);
    expect(days).toEqual([...days].sort().reverse());
    expect([...dayWindows('2026-06-15', '2026-06-16')]).toEqual([]);
  });
});

describe('the admin list, read a window of days at a time', () => {
  it('pages exactly as one sorted query would, across days, years, filters and conversations from before lastDay', async () => {
    // Conversations whose last message is minutes, days, months and years ago, on two sites.
    const offsets = [0, 0.01, 0.5, 1, 1.2, 3, 3, 9, 40, 41, 200, 380, 900, 2000];
    for (const [i, days] of offsets.entries()) {
      const at = new Date(now.getTime() - days * DAY);
      await repos.conversations.create({
        tenantId,
        siteId: (i % 2 ? one : two).id,
        visitorId: String(new Types.ObjectId()),
        title: `c${i}`,
        pageUrl: null,
        userAgent: null,
        locale: null,
        user: null,
        now: at,
      });
    }
    // Two stored before `lastDay` existed: listed once the one-time job gave them theirs.
    for (const days of [2, 500]) {
      const at = new Date(now.getTime() - days * DAY);
      const doc = new app.models.Conversation({
        tenantId,
        siteId: one.id,
        visitorId: new Types.ObjectId(),
        title: `legacy ${days}`,
        day: at.toISOString().slice(0, 10),
        lastMessageAt: at,
        createdAt: at,
      }).toObject();
      delete doc.lastDay;
      await app.models.Conversation.collection.insertOne(doc);
    }
    // (The job queued at start may have run already; either way both have a `lastDay` now.)
    await repos.conversations.backfillLastDay();
    expect(await app.models.Conversation.countDocuments({ lastDay: { $exists: false } })).toBe(0);
    expect(await repos.conversations.backfillLastDay()).toBe(0);

    const all = (await app.models.Conversation.find({ tenantId }).sort({ lastMessageAt: -1, _id: -1 }).lean()).map((c) => ({
      id: String(c._id),
      siteId: String(c.siteId),
      at: c.lastMessageAt,
    }));
    expect(all).toHaveLength(16);

    for (const limit of [1, 3, 25]) expect(await pageThrough({ tenantId }, limit)).toEqual(all.map((c) => c.id));
    expect(await pageThrough({ tenantId, siteId: one.id }, 2)).toEqual(all.filter((c) => c.siteId === one.id).map((c) => c.id));
    const from = new Date(now.getTime() - 41.5 * DAY);
    const to = new Date(now.getTime() - 1.1 * DAY);
    expect(await pageThrough({ tenantId, from, to }, 2)).toEqual(all.filter((c) => c.at >= from && c.at <= to).map((c) => c.id));
    expect(await pageThrough({ tenantId: 'another' }, 5)).toEqual([]);
  });
  it("searches exactly as one sorted query would, a word in the newest and the oldest days, paged, other tenants' unseen", async () => {
    // The search is a literal `$regex` on `searchText`, pushed into SQLite by our FerretDB build (`p5`, `p8`).
    const searched = 'searched';
    const offsets = [0, 0.02, 0.7, 1, 2.5, 6, 6, 14, 33, 70, 130, 131, 400, 1200, 2100];
    const texts = (i: number) =>
      [
        `\nwhere is my ${searched} parcel?\nit left the warehouse.`,
        '\nhow do i change my password?\nopen the account page.',
        `\n${searched.toUpperCase()} in capitals is lower-cased when stored: ${searched}`,
        '\nthe word split: sear ched\nnot a match.',
      ][i % 4] as string;
    for (const tenant of ['search', 'other']) {
      for (const [i, days] of offsets.entries()) {
        const created = await repos.conversations.create({
          tenantId: tenant,
          siteId: (i % 2 ? one : two).id,
          visitorId: String(new Types.ObjectId()),
          title: `${tenant} ${i}`,
          pageUrl: null,
          userAgent: null,
          locale: null,
          user: null,
          now: new Date(now.getTime() - days * DAY),
        });
        await app.models.Conversation.updateOne({ _id: created.id }, { $set: { searchText: texts(i).toLowerCase() } });
      }
    }
    const reference = async (tenant: string, word: string) =>
      (await app.models.Conversation.find({ tenantId: tenant }).sort({ lastMessageAt: -1, _id: -1 }).lean())
        .filter((c) => (c.searchText ?? '').includes(word))
        .map((c) => String(c._id));
    const matching = await reference('search', searched);
    // Matches from today back past five years, and conversations that do not match between them.
    expect(matching.length).toBe(8);
    for (const limit of [1, 2, 3, 25])
      expect(await pageThrough({ tenantId: 'search', search: searched }, limit)).toEqual(matching);
    expect(await pageThrough({ tenantId: 'search', search: 'SEARCHED' }, 2)).toEqual(matching);
    expect(await pageThrough({ tenantId: 'search', search: 'password' }, 2)).toEqual(await reference('search', 'password'));
    expect(await pageThrough({ tenantId: 'search', search: 'sear ched' }, 25)).toEqual(await reference('search', 'sear ched'));
    expect(await pageThrough({ tenantId: 'search', search: 'warranty' }, 25)).toEqual([]);
    expect(await pageThrough({ tenantId: 'search', search: 'parcel?' }, 25)).toEqual(await reference('search', 'parcel?'));
    const from = new Date(now.getTime() - 131.5 * DAY);
    const to = new Date(now.getTime() - 0.5 * DAY);
    const inRange = (
      await app.models.Conversation.find({ tenantId: 'search', lastMessageAt: { $gte: from, $lte: to } }).lean()
    ).map((c) => String(c._id));
    expect(await pageThrough({ tenantId: 'search', search: searched, from, to }, 2)).toEqual(
      matching.filter((id) => inRange.includes(id)),
    );
    expect(await pageThrough({ tenantId: 'search', siteId: one.id, search: searched }, 2)).toEqual(
      (
        await app.models.Conversation.find({ _id: { $in: matching }, siteId: one.id })
          .sort({ lastMessageAt: -1, _id: -1 })
          .lean()
      ).map((c) => String(c._id)),
    );
    // The other tenant's conversations hold the same words (and are not in the pages above).
    expect(await reference('other', searched)).toHaveLength(8);
  });
});
