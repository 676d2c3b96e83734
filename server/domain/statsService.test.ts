import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_CITATIONS } from '../data/messageRepository.js';
import { startTestApp } from '../test/testApp.js';
import { lastDays, statsService } from './statsService.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());
const { repos, conversations: conversationService } = app.services;
const tenantId = 'local';
const site = await app.createSite({ name: 'Stats' });
const DAY = 86_400_000;
const today = new Date('2026-03-10T12:00:00Z');
const ago = (days: number) => new Date(today.getTime() - days * DAY);
const stats = statsService({ ...repos, now: () => today });

async function conversationWithMessages(startedDaysAgo: number, messageDaysAgo: number[]) {
  const conversation = await repos.conversations.create({
    tenantId,
    siteId: site.id,
    visitorId: String(new Types.ObjectId()),
    title: '',
    pageUrl: null,
    userAgent: null,
    locale: null,
    user: null,
    now: ago(startedDaysAgo),
  });
  for (const [i, days] of messageDaysAgo.entries())
    await repos.messages.insert({
      id: String(new Types.ObjectId()),
      tenantId,
      siteId: site.id,
      conversationId: conversation.id,
      role: 'user',
      text: `message ${i}`,
      images: [],
      status: 'complete',
      errorCode: null,
      clientMessageId: `c-${i}`,
      model: null,
      usage: null,
      ...NO_CITATIONS,
      createdAt: ago(days),
    });
  return conversation;
}

const row = (result: Awaited<ReturnType<typeof stats.get>>, daysAgo: number) =>
  result.days.find((d) => d.date === ago(daysAgo).toISOString().slice(0, 10));

describe('stats per day', () => {
  it('counts each day once it is over, keeps that count by _id, and counts it again after a deletion', async () => {
    const old = await conversationWithMessages(5, [5, 5, 4]);
    await conversationWithMessages(1, [1, 0]);

    const first = await stats.get(tenantId, { days: 7 });
    expect(first.days.map((d) => d.date)).toEqual(lastDays(today, 7));
    expect(row(first, 5)).toMatchObject({ conversations: 1, messages: 2 });
    expect(row(first, 4)).toMatchObject({ conversations: 0, messages: 1 });
    expect(row(first, 1)).toMatchObject({ conversations: 1, messages: 1 });
    expect(first.totals).toEqual({ conversations: 2, messages: 5, images: 0 });

    // The days before yesterday are kept (for the tenant and for the site), yesterday and today are always counted.
    const kept = await app.models.DailyCount.find({ tenantId }).lean();
    expect(kept.map((d) => d.day).sort()).toEqual(lastDays(today, 7).slice(0, 5));
    await stats.get(tenantId, { days: 7, siteId: site.id });
    expect(await app.models.DailyCount.countDocuments({ tenantId, siteId: site.id })).toBe(5);

    // A kept day is read, not counted: a message stored behind the repositories' back does not show...
    await app.models.Message.collection.insertOne({
      tenantId,
      siteId: new Types.ObjectId(site.id),
      day: ago(5).toISOString().slice(0, 10),
    });
    expect(row(await stats.get(tenantId, { days: 7 }), 5)).toMatchObject({ messages: 2 });
    // ...while today's and yesterday's counts follow every new message.
    await conversationWithMessages(0, [0]);
    expect(row(await stats.get(tenantId, { days: 7 }), 0)).toMatchObject({ conversations: 1, messages: 2 });

    // Deleting a conversation forgets the kept days of its data, which are counted again.
    await conversationService.deleteForAdmin(tenantId, old.id);
    const after = await stats.get(tenantId, { days: 7 });
    expect(row(after, 5)).toMatchObject({ conversations: 0, messages: 1 });
    expect(row(after, 4)).toMatchObject({ messages: 0 });
    const siteAfter = await stats.get(tenantId, { days: 7, siteId: site.id });
    expect(row(siteAfter, 5)).toMatchObject({ conversations: 0, messages: 1 });
  });
});
