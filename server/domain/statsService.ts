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
/** The most days of ratings added to the kept ratings at once (the embedded database pushes down 200 values). */
const MAX_RATING_DAYS = 200;

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
   * Every rating ever given: those of the answers stored before the first open day are kept (and brought forward a
   * few days at a time), those of the open days counted. A rating changed on a finished day stamps the kept ones stale.
   */
  async function ratings(tenantId: string, siteId: string | undefined, at: Date): Promise<Ratings> {
    const through = firstOpenDay(at);
    const open = lastDays(at, 2).filter((day) => day >= through);
    const [kept, live] = await Promise.all([
      deps.dailyCounts.readRatings(tenantId, siteId),
      deps.messages.ratingTotals(tenantId, { on: open }, siteId),
    ]);
    let before: Ratings;
    if (kept && !kept.stale && kept.through === through) before = kept;
    else {
      const behind =
        kept?.through && !kept.stale
          ? lastDays(at, MAX_RATING_DAYS + 2).filter((d) => d >= (kept.through as string) && d < through)
          : null;
      if (kept && behind && behind[0] === kept.through) {
        const added = await deps.messages.ratingTotals(tenantId, { on: behind }, siteId);
        before = { up: kept.up + added.up, down: kept.down + added.down };
      } else before = await deps.messages.ratingTotals(tenantId, { before: through }, siteId);
      await deps.dailyCounts.keepRatings(tenantId, siteId, { ...before, through }, kept);
    }
    return { up: before.up + live.up, down: before.down + live.down };
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
