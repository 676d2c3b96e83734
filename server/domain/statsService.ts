import type { Stats } from '../../contract/admin.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import { slotsOf } from '../data/countPerPeriod.js';
import { utcDay, utcSlot } from '../data/cursor.js';
import type { DailyCountRepository, DayCounts, Ratings } from '../data/dailyCountRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/**
 * A day or hour is over this long after its end: what it counts is stored by then (every counted document is
 * stamped with the time of its own insert, an answer when it is stored), clocks of instances a little apart included.
 */
export const GRACE_MS = 5 * 60_000;

/** The last `count` UTC days, oldest first, as `YYYY-MM-DD`. */
export function lastDays(today: Date, count: number): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(new Date(today.getTime() - i * DAY_MS).toISOString().slice(0, 10));
  return days;
}

const SLOT_MS = 600_000;
const endOf = (period: string) =>
  period.length === 10
    ? Date.parse(`${period}T00:00:00Z`) + DAY_MS
    : period.length === 13
      ? Date.parse(`${period}:00:00Z`) + HOUR_MS
      : Date.parse(`${period}0:00Z`) + SLOT_MS;
/** Whether a day, hour or slot (`countPerPeriod`) is over: its counts no longer change but by deletions. */
export const isOver = (period: string, now: Date) => endOf(period) + GRACE_MS <= now.getTime();
/** The first day that is not over: today, or yesterday during the first minutes of a day. */
export const firstOpenDay = (now: Date): string => utcDay(new Date(now.getTime() - GRACE_MS));
/** The UTC hour of `at` (`YYYY-MM-DDTHH`). */
const utcHour = (at: Date) => utcSlot(at).slice(0, 13);
/** The hours of `day` up to now's, oldest first. */
export function hoursOf(day: string, now: Date): string[] {
  const hours: string[] = [];
  const last = utcHour(now);
  for (let at = Date.parse(`${day}T00:00:00Z`); at < Date.parse(`${day}T00:00:00Z`) + DAY_MS; at += HOUR_MS) {
    const hour = utcHour(new Date(at));
    if (hour > last) break;
    hours.push(hour);
  }
  return hours;
}

export function statsService(deps: {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  dailyCounts: DailyCountRepository;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());

  /**
   * Every rating ever given: the sum of the ratings kept per finished day and those of the open days, counted. A read
   * counts only the days that finished since the last one (all before the first open day at the first read) and the
   * days whose ratings changed since they were kept (a late rating, a deletion), one day each, and keeps them.
   */
  async function ratings(tenantId: string, siteId: string | undefined, at: Date): Promise<Ratings> {
    const through = firstOpenDay(at);
    const open = lastDays(at, 2).filter((day) => day >= through);
    const [read, live] = await Promise.all([
      deps.dailyCounts.readRatings(tenantId, siteId),
      deps.messages.ratingsPerDay(tenantId, { on: open }, siteId),
    ]);
    let kept = read;
    if (!kept) {
      await deps.dailyCounts.startRatings(tenantId, siteId);
      kept = (await deps.dailyCounts.readRatings(tenantId, siteId)) ?? { through: null, epoch: '', days: new Map() };
    }
    const from = kept.through;
    // At the first count every finished day is counted; later, those kept stale before the days finished since.
    const stale =
      from === null ? [] : [...kept.days].filter(([day, r]) => r.stale && day < through && day < from).map(([day]) => day);
    const finished = from === null ? { before: through } : from < through ? { from, before: through } : null;
    const [counted, recounted] = await Promise.all([
      finished ? deps.messages.ratingsPerDay(tenantId, finished, siteId) : new Map<string, Ratings>(),
      deps.messages.ratingsPerDay(tenantId, { on: stale }, siteId),
    ]);
    // A finished day without ratings has no document: those counted and those kept stale are written too.
    const newDays = [...kept.days.keys()].filter((day) => day < through && (from === null || day >= from));
    for (const day of [...stale, ...newDays])
      if (!counted.has(day) && !recounted.has(day)) recounted.set(day, { up: 0, down: 0 });
    const fresh = new Map([...recounted, ...counted]);
    await deps.dailyCounts.keepRatingDays(tenantId, siteId, fresh, kept.days);
    if (finished) await deps.dailyCounts.advanceRatings(tenantId, siteId, kept, through, [...counted.keys()]);
    const total = { up: 0, down: 0 };
    const add = (ratings: Ratings) => {
      total.up += ratings.up;
      total.down += ratings.down;
    };
    for (const [day, ratings] of kept.days) if (day < through && !fresh.has(day)) add(ratings);
    for (const ratings of fresh.values()) add(ratings);
    for (const ratings of live.values()) add(ratings);
    return total;
  }

  return {
    async get(tenantId: string, query: { siteId?: string; days: number }): Promise<Stats> {
      const at = now();
      const days = lastDays(at, query.days);
      // Days that are over are kept whole; the open day (and yesterday, in the first minutes) an hour at a time, and
      // its open hour ten minutes at a time: only the open ten minutes are counted at every read.
      const openDays = days.filter((day) => !isOver(day, at));
      const now10 = utcSlot(at);
      const parts = openDays.flatMap((day) =>
        hoursOf(day, at).flatMap((hour) => (isOver(hour, at) ? [hour] : slotsOf(hour).filter((slot) => slot <= now10))),
      );
      const keepable = [...days.filter((day) => isOver(day, at)), ...parts.filter((part) => isOver(part, at))];
      const kept = await deps.dailyCounts.read(tenantId, query.siteId, keepable);
      const counted = [...keepable.filter((period) => !kept.has(period)), ...parts.filter((part) => !isOver(part, at))];
      const [conversations, messages, images, rated] = await Promise.all([
        deps.conversations.countPerPeriod(tenantId, counted, query.siteId),
        deps.messages.countPerPeriod(tenantId, counted, query.siteId),
        deps.images.countPerPeriod(tenantId, counted, query.siteId),
        ratings(tenantId, query.siteId, at),
      ]);
      const fresh = new Map<string, DayCounts>(
        counted.map((period) => [
          period,
          {
            conversations: conversations.get(period) ?? 0,
            messages: messages.get(period) ?? 0,
            images: images.get(period) ?? 0,
          },
        ]),
      );
      await deps.dailyCounts.keep(tenantId, query.siteId, new Map([...fresh].filter(([period]) => isOver(period, at))));
      const countsOf = (period: string) => (kept.get(period) ?? fresh.get(period)) as DayCounts;
      const rows = days.map((date) => {
        if (!openDays.includes(date)) return { date, ...countsOf(date) };
        const sum: DayCounts = { conversations: 0, messages: 0, images: 0 };
        for (const part of parts.filter((p) => p.startsWith(date)))
          for (const key of ['conversations', 'messages', 'images'] as const) sum[key] += countsOf(part)[key];
        return { date, ...sum };
      });
      const sum = (key: 'conversations' | 'messages' | 'images') => rows.reduce((total, row) => total + row[key], 0);
      return {
        days: rows,
        ratings: rated,
        totals: { conversations: sum('conversations'), messages: sum('messages'), images: sum('images') },
      };
    },
  };
}
export type StatsService = ReturnType<typeof statsService>;
