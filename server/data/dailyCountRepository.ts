import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { DailyCountDoc } from '../db/models/dailyCount.js';
import type { Models } from '../db/models/index.js';
import { inReads, isDay, slotsOf } from './countPerPeriod.js';
import { isDuplicateKey } from './messageRepository.js';

export interface DayCounts {
  conversations: number;
  messages: number;
  images: number;
}

export interface Ratings {
  up: number;
  down: number;
}

/** The kept ratings of a tenant or site: those of the answers stored before `through`, unless `stale`. */
export interface KeptRatings extends Ratings {
  through: string | null;
  stale: string | null;
}

/** The `day` of the ratings' documents: a deletion of any day forgets them too. */
const RATINGS = 'ratings';
const scope = (siteId: string | undefined) => siteId ?? '*';
const keptId = (tenantId: string, siteId: string | undefined, period: string) => `${tenantId}|${scope(siteId)}|${period}`;

/**
 * Drops the kept counts of the days whose data changed (every site's and the tenant's, the days and their parts) and
 * the kept ratings, or all of a tenant's; every repository that deletes counted data calls it, so stats never show a
 * count from before a deletion.
 */
export async function forgetDailyCounts(DailyCount: Model<DailyCountDoc>, tenantId: string, days?: string[]): Promise<void> {
  if (days && !days.length) return;
  if (!days) await DailyCount.deleteMany({ tenantId });
  else for (const some of inReads([...new Set(days), RATINGS])) await DailyCount.deleteMany({ tenantId, day: { $in: some } });
}

/**
 * A rating of an answer stored on a finished day changed: the tenant's and the site's kept ratings are stamped stale
 * (created so if absent, so that a count running meanwhile does not keep what it read before).
 */
export async function ratingsChanged(DailyCount: Model<DailyCountDoc>, tenantId: string, siteId: string): Promise<void> {
  const stale = randomUUID();
  for (const site of [siteId, undefined])
    await DailyCount.updateOne(
      { _id: keptId(tenantId, site, RATINGS) },
      { $set: { tenantId, siteId: scope(site), day: RATINGS, stale } },
      { upsert: true },
    );
}

export function dailyCountRepository({ DailyCount }: Models) {
  return {
    /** The kept counts of these days or hours, by `_id` (200 at a time: a year is two reads). */
    async read(tenantId: string, siteId: string | undefined, periods: string[]): Promise<Map<string, DayCounts>> {
      const reads = inReads(periods).map((some) =>
        DailyCount.find({ _id: { $in: some.map((period) => keptId(tenantId, siteId, period)) } }).lean<DailyCountDoc[]>(),
      );
      const docs = (await Promise.all(reads)).flat();
      return new Map(
        docs.map((d) => [
          d.period ?? d.day,
          { conversations: d.conversations ?? 0, messages: d.messages ?? 0, images: d.images ?? 0 },
        ]),
      );
    },
    /**
     * Keeps the counts of days, hours or slots that are over (another instance may have kept the same: the first
     * stays), and drops those of the hours and slots a kept day or hour holds (read no more).
     */
    async keep(tenantId: string, siteId: string | undefined, periods: Map<string, DayCounts>): Promise<void> {
      if (!periods.size) return;
      const docs = [...periods].map(([period, counts]) => ({
        _id: keptId(tenantId, siteId, period),
        tenantId,
        siteId: scope(siteId),
        day: period.slice(0, 10),
        ...(isDay(period) ? {} : { period }),
        ...counts,
      }));
      await DailyCount.insertMany(docs, { ordered: false }).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      const days = [...periods.keys()].filter(isDay);
      const hours = [...periods.keys()].filter((period) => period.length === 13);
      for (const some of inReads(days))
        await DailyCount.deleteMany({ tenantId, siteId: scope(siteId), day: { $in: some }, period: { $exists: true } });
      for (const some of inReads(hours.flatMap(slotsOf)))
        await DailyCount.deleteMany({ _id: { $in: some.map((slot) => keptId(tenantId, siteId, slot)) } });
    },
    async readRatings(tenantId: string, siteId: string | undefined): Promise<KeptRatings | null> {
      const doc = await DailyCount.findById(keptId(tenantId, siteId, RATINGS)).lean<DailyCountDoc>();
      if (!doc) return null;
      return { up: doc.up ?? 0, down: doc.down ?? 0, through: doc.through ?? null, stale: doc.stale ?? null };
    },
    /**
     * Keeps the ratings counted before `through` in place of `previous` (what was read before counting), only if that
     * is still what is kept: a rating changed meanwhile (`ratingsChanged`) leaves its stamp, counted at the next read.
     */
    async keepRatings(
      tenantId: string,
      siteId: string | undefined,
      ratings: Ratings & { through: string },
      previous: KeptRatings | null,
    ) {
      const doc = { tenantId, siteId: scope(siteId), day: RATINGS, ...ratings };
      const _id = keptId(tenantId, siteId, RATINGS);
      if (!previous) {
        await DailyCount.insertMany([{ _id, ...doc }]).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
        return;
      }
      const unchanged = previous.stale
        ? { _id, stale: previous.stale }
        : { _id, through: previous.through, stale: { $exists: false } };
      await DailyCount.replaceOne(unchanged, doc);
    },
    ratingsChanged: (tenantId: string, siteId: string) => ratingsChanged(DailyCount, tenantId, siteId),
    forget: (tenantId: string, days?: string[]) => forgetDailyCounts(DailyCount, tenantId, days),
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      await DailyCount.deleteMany({ tenantId, siteId });
    },
  };
}
export type DailyCountRepository = ReturnType<typeof dailyCountRepository>;
