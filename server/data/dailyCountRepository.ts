import type { Model } from 'mongoose';
import type { DailyCountDoc } from '../db/models/dailyCount.js';
import type { Models } from '../db/models/index.js';
import { isDuplicateKey } from './messageRepository.js';

export interface DayCounts {
  conversations: number;
  messages: number;
  images: number;
}

const dailyCountId = (tenantId: string, siteId: string | undefined, day: string) => `${tenantId}|${siteId ?? '*'}|${day}`;

/**
 * Drops the kept counts of the days whose data changed (every site's and the tenant's), or all of a tenant's; every
 * repository that deletes counted data calls it, so stats never show a count from before a deletion.
 */
export async function forgetDailyCounts(DailyCount: Model<DailyCountDoc>, tenantId: string, days?: string[]): Promise<void> {
  if (days && !days.length) return;
  await DailyCount.deleteMany(days ? { tenantId, day: { $in: [...new Set(days)] } } : { tenantId });
}

export function dailyCountRepository({ DailyCount }: Models) {
  return {
    /** The kept counts of these days, by `_id`. */
    async read(tenantId: string, siteId: string | undefined, days: string[]): Promise<Map<string, DayCounts>> {
      if (!days.length) return new Map();
      const docs = await DailyCount.find({ _id: { $in: days.map((day) => dailyCountId(tenantId, siteId, day)) } }).lean<
        DailyCountDoc[]
      >();
      return new Map(docs.map((d) => [d.day, { conversations: d.conversations, messages: d.messages, images: d.images }]));
    },
    /** Keeps the counts of days that are over (another instance may have kept the same: the first stays). */
    async keep(tenantId: string, siteId: string | undefined, days: Map<string, DayCounts>): Promise<void> {
      if (!days.size) return;
      const docs = [...days].map(([day, counts]) => ({
        _id: dailyCountId(tenantId, siteId, day),
        tenantId,
        siteId: siteId ?? '*',
        day,
        ...counts,
      }));
      await DailyCount.insertMany(docs, { ordered: false }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
    },
    forget: (tenantId: string, days?: string[]) => forgetDailyCounts(DailyCount, tenantId, days),
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      await DailyCount.deleteMany({ tenantId, siteId });
    },
  };
}
export type DailyCountRepository = ReturnType<typeof dailyCountRepository>;
