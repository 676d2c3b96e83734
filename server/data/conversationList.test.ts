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

    const pageThrough = async (filter: ConversationFilter, limit: number) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await repos.conversations.list(filter, limit, decodeCursor(cursor ?? undefined), now);
        ids.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    for (const limit of [1, 3, 25]) expect(await pageThrough({ tenantId }, limit)).toEqual(all.map((c) => c.id));
    expect(await pageThrough({ tenantId, siteId: one.id }, 2)).toEqual(all.filter((c) => c.siteId === one.id).map((c) => c.id));
    const from = new Date(now.getTime() - 41.5 * DAY);
    const to = new Date(now.getTime() - 1.1 * DAY);
    expect(await pageThrough({ tenantId, from, to }, 2)).toEqual(all.filter((c) => c.at >= from && c.at <= to).map((c) => c.id));
    expect(await pageThrough({ tenantId: 'another' }, 5)).toEqual([]);
  });
});
