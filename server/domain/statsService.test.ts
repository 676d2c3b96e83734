import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import type { Stats } from '../../contract/admin.js';
import { slotsOf } from '../data/countPerPeriod.js';
import { utcDay, utcSlot } from '../data/cursor.js';
import type { MessageRecord } from '../data/messageRepository.js';
import type { MessageDoc } from '../db/models/message.js';
import { newConversation, newImage, newMessage } from '../test/repositoryInputs.js';
import { startTestApp } from '../test/testApp.js';
import { BACKFILL_SLOT } from './createServices.js';
import { dataRemoval } from './dataRemoval.js';
import { retention } from './retention.js';
import { slotBackfill } from './slotBackfill.js';
import { GRACE_MS, hoursOf, isOver, lastDays, statsService } from './statsService.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());
const { repos, conversations: conversationService } = app.services;
const tenantId = 'local';
const site = await app.createSite({ name: 'Stats' });
const other = await app.createSite({ name: 'Stats, other site' });
const DAY = 86_400_000;
const HOUR = 3_600_000;
const today = new Date('2026-03-10T12:00:00Z');
const ago = (days: number) => new Date(today.getTime() - days * DAY);
const stats = statsService({ ...repos, now: () => today });

async function conversationWithMessages(startedAt: Date, messagesAt: Date[], siteId = site.id) {
  const conversation = await repos.conversations.create(newConversation({ tenantId, siteId, now: startedAt }));
  const stored: MessageRecord[] = [];
  for (const [i, at] of messagesAt.entries()) {
    const message = await repos.messages.insert(
      newMessage({ tenantId, siteId, conversationId: conversation.id, role: i % 2 ? 'assistant' : 'user', createdAt: at }),
    );
    if (message) stored.push(message);
  }
  return { conversation, messages: stored };
}

const row = (result: Stats, daysAgo: number) => result.days.find((d) => d.date === ago(daysAgo).toISOString().slice(0, 10));

/** What the stats must show, counted from every stored document of the tenant (or site). */
async function bruteForce(days: number, at: Date, siteId?: string) {
  const scope = { tenantId, ...(siteId ? { siteId: new Types.ObjectId(siteId) } : {}) };
  const [conversations, messages, images] = await Promise.all([
    app.models.Conversation.find(scope).lean(),
    app.models.Message.find(scope).lean<MessageDoc[]>(),
    app.models.Image.find(scope).lean(),
  ]);
  const perDay = (docs: { createdAt: Date }[], day: string) => docs.filter((d) => utcDay(d.createdAt) === day).length;
  const rows = lastDays(at, days).map((date) => ({
    date,
    conversations: perDay(conversations, date),
    messages: perDay(messages, date),
    images: perDay(images, date),
  }));
  const sum = (key: 'conversations' | 'messages' | 'images') => rows.reduce((total, r) => total + r[key], 0);
  return {
    days: rows,
    ratings: {
      up: messages.filter((m) => m.feedback === 'up').length,
      down: messages.filter((m) => m.feedback === 'down').length,
    },
    totals: { conversations: sum('conversations'), messages: sum('messages'), images: sum('images') },
  };
}

describe('stats per day', () => {
  it('counts each day once it is over, keeps that count by _id, and counts it again after a deletion', async () => {
    const old = await conversationWithMessages(ago(5), [ago(5), ago(5), ago(4)]);
    await conversationWithMessages(ago(1), [ago(1), ago(0)]);

    const first = await stats.get(tenantId, { days: 7 });
    expect(first.days.map((d) => d.date)).toEqual(lastDays(today, 7));
    expect(row(first, 5)).toMatchObject({ conversations: 1, messages: 2 });
    expect(row(first, 4)).toMatchObject({ conversations: 0, messages: 1 });
    expect(row(first, 1)).toMatchObject({ conversations: 1, messages: 1 });
    expect(first.totals).toEqual({ conversations: 2, messages: 5, images: 0 });

    // The days that are over are kept whole (for the tenant and for the site), today's finished hours one by one, and
    // the finished ten minutes of its open hours.
    const kept = await app.models.DailyCount.find({ tenantId, siteId: '*', day: { $ne: 'rated' } }).lean();
    const parts = hoursOf(utcDay(today), today).flatMap((hour) => (isOver(hour, today) ? [hour] : slotsOf(hour)));
    const finished = [...lastDays(today, 7).slice(0, 6), ...parts.filter((part) => isOver(part, today))];
    expect(kept.map((d) => d.period ?? d.day).sort()).toEqual(finished.sort());
    await stats.get(tenantId, { days: 7, siteId: site.id });
    expect(await app.models.DailyCount.countDocuments({ tenantId, siteId: site.id, day: { $ne: 'rated' } })).toBe(
      finished.length,
    );

    // A kept day or hour is read, not counted: a message stored behind the repositories' back does not show...
    await app.models.Message.collection.insertOne({
      tenantId,
      siteId: new Types.ObjectId(site.id),
      day: ago(5).toISOString().slice(0, 10),
    });
    expect(row(await stats.get(tenantId, { days: 7 }), 5)).toMatchObject({ messages: 2 });
    await app.models.Message.deleteMany({ tenantId, text: { $exists: false } });
    // ...while the open hour's counts follow every new message.
    await conversationWithMessages(today, [today]);
    expect(row(await stats.get(tenantId, { days: 7 }), 0)).toMatchObject({ conversations: 1, messages: 2 });

    // Deleting a conversation forgets the kept days of its data, which are counted again.
    await conversationService.deleteForAdmin(tenantId, old.conversation.id);
    const after = await stats.get(tenantId, { days: 7 });
    expect(row(after, 5)).toMatchObject({ conversations: 0, messages: 0 });
    expect(row(after, 4)).toMatchObject({ messages: 0 });
    const siteAfter = await stats.get(tenantId, { days: 7, siteId: site.id });
    expect(row(siteAfter, 5)).toMatchObject({ conversations: 0, messages: 0 });
  });

  it('equals a count of the stored documents across hours and midnight, late ratings, retries and deletions', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    // A clock walking from the evening of 2026-03-11 across midnight into the 12th, minute by minute around the edges.
    const start = new Date('2026-03-11T22:50:00Z');
    let clock = start;
    const walking = statsService({ ...repos, now: () => clock });
    const rated: MessageRecord[] = [];
    const check = async () => {
      for (const siteId of [undefined, site.id, other.id]) {
        const shown = await walking.get(tenantId, { days: 30, ...(siteId ? { siteId } : {}) });
        expect(shown, `at ${clock.toISOString()} ${siteId ?? 'tenant'}`).toEqual(await bruteForce(30, clock, siteId));
      }
    };
    // Answers of finished days (some rated), then a conversation every few minutes across the hours and midnight.
    for (const daysAgo of [20, 3, 1]) {
      const { messages } = await conversationWithMessages(new Date(start.getTime() - daysAgo * DAY), [
        new Date(start.getTime() - daysAgo * DAY),
        new Date(start.getTime() - daysAgo * DAY + 1000),
      ]);
      rated.push(messages[1] as MessageRecord);
    }
    await repos.messages.setFeedback(rated[0] as MessageRecord, 'up', clock);
    await check();
    const steps = [0, 9, 11, 14, 21, 33, 59, 70, 71, 76, 125].map((minutes) => new Date(start.getTime() + minutes * 60_000));
    for (const [i, at] of steps.entries()) {
      clock = at;
      const { messages } = await conversationWithMessages(at, [at, new Date(at.getTime() + 1000)], i % 3 ? site.id : other.id);
      // An answer stored within the grace after its hour (and day) ended, stamped with a time before the end.
      if (i === 8) await conversationWithMessages(new Date('2026-03-11T23:59:59Z'), [new Date('2026-03-11T23:59:59Z')]);
      if (i === 2) {
        // An image on a question, counted on its own day and hour.
        await repos.images.create(newImage({ tenantId, siteId: site.id, key: `k-${i}`, createdAt: at }));
      }
      rated.push(messages[1] as MessageRecord);
      // Stats read at once, just before the grace of the ten minutes (or hour, or day) ends, and just after; the clock
      // never goes back (the next step comes later).
      const next = steps[i + 1]?.getTime() ?? Number.POSITIVE_INFINITY;
      for (const later of [0, GRACE_MS - 1000, GRACE_MS + 1000].map((ms) => at.getTime() + ms).filter((t) => t < next)) {
        clock = new Date(later);
        await check();
      }
      // A late rating of an answer of a finished day, another changed, one taken back.
      if (i === 4) await repos.messages.setFeedback(rated[1] as MessageRecord, 'down', clock);
      if (i === 6) await repos.messages.setFeedback(rated[0] as MessageRecord, 'down', clock);
      if (i === 7) await repos.messages.setFeedback(rated[1] as MessageRecord, null, clock);
      if (i === 9) await repos.messages.setFeedback(rated[4] as MessageRecord, 'up', clock);
      await check();
    }
    // A retry replaces an answer of an earlier hour: it moves to the retry's hour, without its rating.
    const retried = rated[4] as MessageRecord;
    await repos.messages.replaceAnswer({ ...retried, createdAt: clock });
    await check();
    // Retention (a conversation's deletion) and an image's deletion forget what they touched.
    const oldest = (await app.models.Conversation.find({ tenantId }).sort({ createdAt: 1 }).limit(1).lean())[0];
    await conversationService.deleteForAdmin(tenantId, String(oldest?._id));
    const image = (await app.models.Image.find({ tenantId }).limit(1).lean())[0];
    await repos.images.delete(String(image?._id));
    await check();
    // A day later every day of the month is kept, and still equal.
    clock = new Date(clock.getTime() + DAY + HOUR);
    await check();
    await check();
  });

  it('equals the brute-force count over 400 days, reading at most 200 days, hours or ids at a time', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    const at = new Date('2026-03-13T09:31:00Z');
    const reading = statsService({ ...repos, now: () => at });
    const past = (days: number) => new Date(at.getTime() - days * DAY);
    // Documents across the whole range (its first and last day, past the 200th, today) and one day before it.
    for (const daysAgo of [400, 399, 350, 250, 201, 200, 199, 120, 45, 2, 0])
      await conversationWithMessages(
        past(daysAgo),
        [past(daysAgo), new Date(past(daysAgo).getTime() + 1000)],
        daysAgo % 2 ? other.id : site.id,
      );
    // The largest `$in` any read sends: the embedded database pushes down at most 200 values.
    let widest = 0;
    const widestIn = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(widestIn);
      else if (value && typeof value === 'object' && !(value instanceof Types.ObjectId) && !(value instanceof Date))
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$in' && Array.isArray(inner)) widest = Math.max(widest, inner.length);
          widestIn(inner);
        }
    };
    const listener = (op: { collectionName: string; params: unknown[] }) => {
      if (op.collectionName !== 'jobs' && op.collectionName !== 'jobclaims') widestIn(op.params);
    };
    app.connection.on('operation-start', listener);
    try {
      for (const siteId of [undefined, site.id, other.id]) {
        const scope = siteId ? { siteId } : {};
        // Counted (every day is new), then read from what the first read kept, then after a deletion.
        expect(await reading.get(tenantId, { days: 400, ...scope })).toEqual(await bruteForce(400, at, siteId));
        expect(await reading.get(tenantId, { days: 400, ...scope })).toEqual(await bruteForce(400, at, siteId));
      }
      const kept = await app.models.DailyCount.countDocuments({
        tenantId,
        siteId: '*',
        period: { $exists: false },
        day: { $ne: 'rated' },
      });
      expect(kept).toBe(399);
      const oldest = (await app.models.Conversation.find({ tenantId }).sort({ createdAt: 1 }).lean()).find(
        (c) => c.createdAt.getTime() >= past(399).getTime() - DAY,
      );
      await conversationService.deleteForAdmin(tenantId, String(oldest?._id));
      for (const siteId of [undefined, site.id, other.id])
        expect(await reading.get(tenantId, { days: 400, ...(siteId ? { siteId } : {}) })).toEqual(
          await bruteForce(400, at, siteId),
        );
    } finally {
      app.connection.off('operation-start', listener);
    }
    expect(widest).toBeGreaterThan(100);
    expect(widest).toBeLessThanOrEqual(200);
  });

  it('counts the documents stored before `slot` in the open day once the one-time job gave them one', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    const at = new Date('2026-03-15T15:31:00Z');
    const reading = statsService({ ...repos, now: () => at });
    // Stored before `slot` existed: two finished days, the open day's finished hours and ten minutes, its open ten.
    const times = [
      '2026-03-12T08:00:00Z',
      '2026-03-14T23:59:00Z',
      '2026-03-15T02:10:00Z',
      '2026-03-15T15:12:00Z',
      '2026-03-15T15:30:00Z',
    ];
    const conversationIds: Types.ObjectId[] = [];
    for (const [i, time] of times.entries()) {
      const t = new Date(time);
      const { conversation } = await conversationWithMessages(t, [t, new Date(t.getTime() + 1000)], i % 2 ? other.id : site.id);
      conversationIds.push(new Types.ObjectId(conversation.id));
      await repos.images.create(
        newImage({ tenantId, siteId: site.id, conversationId: conversation.id, key: `legacy-${i}`, createdAt: t }),
      );
    }
    const legacy = { tenantId, $or: [{ _id: { $in: conversationIds } }, { conversationId: { $in: conversationIds } }] };
    for (const model of [app.models.Conversation, app.models.Message, app.models.Image] as const)
      await (model as typeof app.models.Message).updateMany(legacy, { $unset: { slot: 1 } });
    // Their open day's hours and ten minutes miss them, and are kept so.
    expect(await reading.get(tenantId, { days: 7 })).not.toEqual(await bruteForce(7, at));

    // The job is queued once per database; its run gives every document its slot (stopped and resumed, then again).
    const job = await repos.jobs.findById(String((await app.models.Job.findOne({ key: BACKFILL_SLOT }).lean())?._id));
    if (!job) throw new Error('no slot backfill job');
    const run = slotBackfill({ ...repos, now: () => at });
    const stopped = new AbortController();
    const stopAtFirstWrite = (op: { collectionName: string; method: string }) => {
      if (op.method === 'updateMany' && op.collectionName === 'messages') stopped.abort();
    };
    app.connection.on('operation-start', stopAtFirstWrite);
    await run({ job, signal: stopped.signal, progress: async () => {} }).finally(() =>
      app.connection.off('operation-start', stopAtFirstWrite),
    );
    const withoutSlot = () => app.models.Message.countDocuments({ tenantId, slot: null });
    expect(await withoutSlot()).toBeGreaterThan(0);
    expect(await withoutSlot()).toBeLessThan(times.length * 2);
    for (let i = 0; i < 2; i++) await run({ job, signal: new AbortController().signal, progress: async () => {} });
    for (const model of [app.models.Conversation, app.models.Message, app.models.Image] as const) {
      const docs = await (model as typeof app.models.Message).find({ tenantId }).lean<MessageDoc[]>();
      for (const doc of docs) expect(doc.slot, `${model.modelName} ${doc.createdAt.toISOString()}`).toBe(utcSlot(doc.createdAt));
    }
    for (const siteId of [undefined, site.id, other.id]) {
      const scope = siteId ? { siteId } : {};
      expect(await reading.get(tenantId, { days: 7, ...scope })).toEqual(await bruteForce(7, at, siteId));
      expect(await reading.get(tenantId, { days: 7, ...scope })).toEqual(await bruteForce(7, at, siteId));
    }
  });
});

describe('all-time ratings', () => {
  // After every day the tests above stored data on.
  const at = new Date('2026-03-20T12:00:00Z');
  const reading = statsService({ ...repos, now: () => at });
  const daysAgo = (days: number) => new Date(at.getTime() - days * DAY);
  const open = { $in: [utcDay(at)] };
  type Reading = ReturnType<typeof statsService>;

  /** The `day` filter of every rating count a read sent (an aggregate of messages on `feedback`), in order. */
  async function countedDays(read: () => Promise<unknown>): Promise<unknown[]> {
    const days: unknown[] = [];
    const listener = (op: { collectionName: string; method: string; params: unknown[] }) => {
      if (op.collectionName !== 'messages' || op.method !== 'aggregate') return;
      const match = (op.params[0] as { $match?: Record<string, unknown> }[])[0]?.$match;
      if (match?.feedback) days.push(match.day);
    };
    app.connection.on('operation-start', listener);
    try {
      await read();
    } finally {
      app.connection.off('operation-start', listener);
    }
    return days;
  }
  const equalsStored = async (by: Reading = reading, when = at) => {
    for (const siteId of [undefined, site.id, other.id]) {
      const shown = await by.get(tenantId, { days: 7, ...(siteId ? { siteId } : {}) });
      expect(shown.ratings, siteId ?? 'tenant').toEqual((await bruteForce(7, when, siteId)).ratings);
    }
  };
  const rated = async (days: number, rating: 'up' | 'down', siteId = site.id) => {
    const { conversation, messages } = await conversationWithMessages(
      daysAgo(days),
      [daysAgo(days), new Date(daysAgo(days).getTime() + 1000)],
      siteId,
    );
    await repos.messages.setFeedback(messages[1] as MessageRecord, rating, daysAgo(days));
    return { conversation, answer: messages[1] as MessageRecord };
  };
  const ratedDays = async (before: string) =>
    [
      ...new Set(
        (await app.models.Message.find({ tenantId, feedback: { $in: ['up', 'down'] } }).lean<MessageDoc[]>()).map((m) => m.day),
      ),
    ]
      .filter((day) => day < before)
      .sort();

  it('keeps each finished day: later reads count the open day and only the days whose ratings changed', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    const twelve = await rated(12, 'up');
    const six = await rated(6, 'down', other.id);
    await rated(6, 'up');
    await rated(2, 'up', other.id);
    await rated(0, 'down');

    // The first read counts every finished day at once, one aggregate per rating, and keeps each day with a rating.
    expect(await countedDays(() => reading.get(tenantId, { days: 7 }))).toEqual(
      expect.arrayContaining([open, open, { $lt: utcDay(at) }, { $lt: utcDay(at) }]),
    );
    const kept = await app.models.DailyCount.find({ tenantId, siteId: '*', day: 'rated', period: { $ne: 'all' } }).lean();
    expect(kept.map((d) => d.period).sort()).toEqual(await ratedDays(utcDay(at)));
    expect(await app.models.DailyCount.findById(`${tenantId}|*|rated`).lean()).toMatchObject({ through: utcDay(at) });
    await equalsStored();
    // Then only the open day is counted.
    expect(await countedDays(() => reading.get(tenantId, { days: 7 }))).toEqual([open, open]);

    // A late rating of an answer of a finished day: that day alone is counted again, for the tenant and its site.
    await repos.messages.setFeedback(twelve.answer, 'down', at);
    const day12 = { $in: [utcDay(daysAgo(12))] };
    expect(await countedDays(() => reading.get(tenantId, { days: 7 }))).toEqual(
      expect.arrayContaining([open, open, day12, day12]),
    );
    await equalsStored();
    expect(await countedDays(() => reading.get(tenantId, { days: 7 }))).toEqual([open, open]);
    // Taken back: the day keeps no ratings any more.
    await repos.messages.setFeedback(twelve.answer, null, at);
    await equalsStored();

    // A deletion stamps the days it touched.
    await conversationService.deleteForAdmin(tenantId, six.conversation.id);
    const day6 = { $in: [utcDay(daysAgo(6))] };
    expect(await countedDays(() => reading.get(tenantId, { days: 7, siteId: other.id }))).toEqual(
      expect.arrayContaining([open, open, day6, day6]),
    );
    await equalsStored();

    // Retention deletes the other site's conversations of days before its cutoff (and stamps those days).
    await repos.sites.update(tenantId, other.id, { retentionDays: 3 });
    const removal = dataRemoval({ ...repos, deleteImageFile: app.services.images.deleteFile });
    await retention({ ...repos, siteRecords: repos.sites, removal, records: repos.removals, now: () => at }).handler({
      job: {} as never,
      signal: new AbortController().signal,
      progress: async () => {},
    });
    await repos.sites.update(tenantId, other.id, { retentionDays: null });
    expect(
      await app.models.Message.countDocuments({ siteId: new Types.ObjectId(other.id), day: { $lt: utcDay(daysAgo(3)) } }),
    ).toBe(0);
    await equalsStored();

    // A day later, the day that finished is counted once, then kept.
    const tomorrow = new Date(at.getTime() + DAY);
    const later = statsService({ ...repos, now: () => tomorrow });
    const finished = { $gte: utcDay(at), $lt: utcDay(tomorrow) };
    const next = { $in: [utcDay(tomorrow)] };
    expect(await countedDays(() => later.get(tenantId, { days: 7 }))).toEqual(
      expect.arrayContaining([next, next, finished, finished]),
    );
    expect(await countedDays(() => later.get(tenantId, { days: 7 }))).toEqual([next, next]);
    await equalsStored(later, tomorrow);
  });

  it('counts again what was kept before the ratings were kept per day', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    await app.models.DailyCount.collection.insertOne({
      _id: `${tenantId}|*|ratings`,
      tenantId,
      siteId: '*',
      day: 'ratings',
      up: 1000,
      down: 1000,
      through: utcDay(at),
    } as never);
    await equalsStored();
    await equalsStored();
    expect(await app.models.DailyCount.findById(`${tenantId}|*|ratings`).lean()).toBeNull();
  });

  it('stays exact with two instances, and with a rating or a deletion landing while a read counts', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    // Instance B runs `during` after its count of finished days, before it keeps them (the real count, run first).
    let during: (() => Promise<void>) | null = null;
    const paused = (now: Date) =>
      statsService({
        ...repos,
        now: () => now,
        messages: {
          ...repos.messages,
          async ratingsPerDay(...args: Parameters<typeof repos.messages.ratingsPerDay>) {
            const counted = await repos.messages.ratingsPerDay(...args);
            const run = 'before' in args[1] ? during : null;
            if (run) {
              during = null;
              await run();
            }
            return counted;
          },
        },
      });
    const a = reading;
    const b = paused(at);
    const five = await rated(5, 'up');
    const four = await rated(4, 'down', other.id);

    // A deletion of a rated day lands while B counts every finished day for the first time.
    during = () => conversationService.deleteForAdmin(tenantId, five.conversation.id);
    await b.get(tenantId, { days: 7 });
    expect(during).toBeNull();
    await equalsStored(a);
    await equalsStored(b);

    // A day later, a late rating of the day that just finished lands while B counts it.
    const tomorrow = new Date(at.getTime() + DAY);
    const today2 = await rated(-0.1, 'up');
    during = () => repos.messages.setFeedback(today2.answer, 'down', tomorrow);
    const b2 = paused(tomorrow);
    await b2.get(tenantId, { days: 7 });
    expect(during).toBeNull();
    const a2 = statsService({ ...repos, now: () => tomorrow });
    await equalsStored(a2, tomorrow);

    // Both instances at once, with late ratings between their reads.
    await repos.messages.setFeedback(four.answer, 'up', tomorrow);
    await Promise.all([a2.get(tenantId, { days: 7 }), b2.get(tenantId, { days: 7 })]);
    await repos.messages.setFeedback(four.answer, null, tomorrow);
    await Promise.all([a2.get(tenantId, { days: 7 }), b2.get(tenantId, { days: 7 })]);
    await equalsStored(a2, tomorrow);
    await equalsStored(b2, tomorrow);
  });

  it('does not keep a count that read the data before a deletion, whichever instance keeps its days first', async () => {
    await app.models.DailyCount.deleteMany({ tenantId });
    const gate = () => {
      let open = () => {};
      let reached = () => {};
      const opened = new Promise<void>((resolve) => {
        open = resolve;
      });
      const waiting = new Promise<void>((resolve) => {
        reached = resolve;
      });
      return { open, waiting, reached, opened };
    };
    // An instance that stops after its count of finished days until its gate opens.
    const stopping = (at2: Date, stop: ReturnType<typeof gate>) =>
      statsService({
        ...repos,
        now: () => at2,
        messages: {
          ...repos.messages,
          async ratingsPerDay(...args: Parameters<typeof repos.messages.ratingsPerDay>) {
            const counted = await repos.messages.ratingsPerDay(...args);
            if ('before' in args[1]) {
              stop.reached();
              await stop.opened;
            }
            return counted;
          },
        },
      });
    const three = await rated(3, 'up');
    const [b, c] = [gate(), gate()];
    // B counts every finished day (three's rating included); the conversation is deleted; C counts after it.
    const readB = stopping(at, b).get(tenantId, { days: 7 });
    await b.waiting;
    await conversationService.deleteForAdmin(tenantId, three.conversation.id);
    const readC = stopping(at, c).get(tenantId, { days: 7 });
    await c.waiting;
    // B keeps its days first: C finds them taken, and moves `through` on; B finds the epoch changed.
    b.open();
    await readB;
    c.open();
    await readC;
    await equalsStored();
    await equalsStored();
  });
});
