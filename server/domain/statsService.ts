import type { Stats } from '../../contract/admin.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import type { DailyCountRepository, DayCounts } from '../data/dailyCountRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';

/** The last `count` UTC days, oldest first, as `YYYY-MM-DD`. */
export function lastDays(today: Date, count: number): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  return days;
}

/** Days before this one (yesterday, UTC) are over: an answer started before midnight is stored by then. */
export const firstOpenDay = (now: Date): string => lastDays(now, 2)[0] as string;

export function statsService(deps: {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  dailyCounts: DailyCountRepository;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    async get(tenantId: string, query: { siteId?: string; days: number }): Promise<Stats> {
      const days = lastDays(now(), query.days);
      // The counts of days that are over are kept.
      const open = firstOpenDay(now());
      const over = (day: string) => day < open;
      const kept = await deps.dailyCounts.read(tenantId, query.siteId, days.filter(over));
      const counted = days.filter((day) => !kept.has(day));
      const [conversations, messages, images, ratings] = await Promise.all([
        deps.conversations.countPerDay(tenantId, counted, query.siteId),
        deps.messages.countPerDay(tenantId, counted, query.siteId),
        deps.images.countPerDay(tenantId, counted, query.siteId),
        deps.messages.ratingTotals(tenantId, query.siteId),
      ]);
      const fresh = new Map<string, DayCounts>(
        counted.map((day) => [
          day,
          { conversations: conversations.get(day) ?? 0, messages: messages.get(day) ?? 0, images: images.get(day) ?? 0 },
        ]),
      );
      await deps.dailyCounts.keep(tenantId, query.siteId, new Map([...fresh].filter(([day]) => over(day))));
      const rows = days.map((date) => ({ date, ...((kept.get(date) ?? fresh.get(date)) as DayCounts) }));
      const sum = (key: 'conversations' | 'messages' | 'images') => rows.reduce((total, row) => total + row[key], 0);
      return {
        days: rows,
        ratings,
        totals: { conversations: sum('conversations'), messages: sum('messages'), images: sum('images') },
      };
    },
  };
}
export type StatsService = ReturnType<typeof statsService>;
