import type { Stats } from '../../contract/admin.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { MessageRepository } from '../data/messageRepository.js';

/** The last `count` UTC days, oldest first, as `YYYY-MM-DD`. */
export function lastDays(today: Date, count: number): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(new Date(today.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  return days;
}

export function statsService(deps: {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());
  return {
    async get(tenantId: string, query: { siteId?: string; days: number }): Promise<Stats> {
      const days = lastDays(now(), query.days);
      const [conversations, messages, images, ratings] = await Promise.all([
        deps.conversations.countPerDay(tenantId, days, query.siteId),
        deps.messages.countPerDay(tenantId, days, query.siteId),
        deps.images.countPerDay(tenantId, days, query.siteId),
        deps.messages.ratingTotals(tenantId, query.siteId),
      ]);
      const rows = days.map((date) => ({
        date,
        conversations: conversations.get(date) ?? 0,
        messages: messages.get(date) ?? 0,
        images: images.get(date) ?? 0,
      }));
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
