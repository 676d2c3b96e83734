import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import type { DailyCountDoc } from '../db/models/dailyCount.js';
import type { Models } from '../db/models/index.js';
import { inReads, isDay, slotsOf } from './countPerPeriod.js';
import { isDuplicateKey, upsertOnce } from './writeErrors.js';

export interface DayCounts {
  conversations: number;
  messages: number;
  images: number;
}

export interface Ratings {
  up: number;
  down: number;
}

/** The ratings kept for one finished day; `stale` (a random stamp) when they changed since: counted again. */
export interface RatingDay extends Ratings {
  stale: string | null;
}

/**
 * The kept ratings of a tenant or site: every finished day before `through` that holds a rating has its document
 * (`through` null: none counted yet); `epoch` changes at every deletion of the tenant's data (`forgetDailyCounts`).
 */
export interface KeptRatings {
  through: string | null;
  epoch: string;
  days: Map<string, RatingDay>;
}

/**
 * The `day` of the kept ratings: a tenant's or site's summary (`…|rated`, `period` `all`: `through`, `epoch`) and
 * the ratings of one finished day (`…|rated|<day>`, the day in `period`).
 */
const RATED = 'rated';
const SUMMARY = 'all';
/** Where the ratings were kept as totals before they were kept per day (dropped at the first count). */
const TOTALS = 'ratings';
const scope = (siteId: string | undefined) => siteId ?? '*';
const keptId = (tenantId: string, siteId: string | undefined, period: string) => `${tenantId}|${scope(siteId)}|${period}`;
const ratedId = (tenantId: string, siteId: string | undefined, day: string) => keptId(tenantId, siteId, `${RATED}|${day}`);

/**
 * Drops the kept counts of the days whose data changed (every site's and the tenant's, the days and their parts), or
 * all of a tenant's; every repository that deletes counted data calls it, so stats never show a count from before a
 * deletion. The kept ratings of those days are stamped stale (counted again at the next read), and the tenant's
 * ratings summaries get a new `epoch`, so a count running meanwhile does not keep what it read before.
 */
export async function forgetDailyCounts(DailyCount: Model<DailyCountDoc>, tenantId: string, days?: string[]): Promise<void> {
  if (days && !days.length) return;
  if (!days) {
    await DailyCount.deleteMany({ tenantId });
    return;
  }
  // The epoch first: a count that read the data before its deletion either keeps its days before the stamps below, or
  // finds the epoch changed when it moves `through` on (`advanceRatings`).
  await DailyCount.updateMany({ tenantId, day: RATED, period: SUMMARY }, { $set: { epoch: randomUUID() } });
  const stale = randomUUID();
  for (const some of inReads([...new Set(days)])) {
    await DailyCount.deleteMany({ tenantId, day: { $in: some } });
    await DailyCount.updateMany({ tenantId, day: RATED, period: { $in: some } }, { $set: { stale } });
  }
}

/**
 * A rating of an answer stored on a finished day (`day`) changed: that day's kept ratings, the tenant's and the site's,
 * are stamped stale (created so if absent, so that a count running meanwhile does not keep what it read before).
 */
export async function ratingsChanged(
  DailyCount: Model<DailyCountDoc>,
  tenantId: string,
  siteId: string,
  day: string,
): Promise<void> {
  const stale = randomUUID();
  for (const site of [siteId, undefined])
    await upsertOnce(() =>
      DailyCount.updateOne(
        { _id: ratedId(tenantId, site, day) },
        { $set: { tenantId, siteId: scope(site), day: RATED, period: day, stale } },
        { upsert: true },
      ),
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
    /** The kept ratings of the tenant (or site), in one read; null before the first count (`startRatings`). */
    async readRatings(tenantId: string, siteId: string | undefined): Promise<KeptRatings | null> {
      const docs = await DailyCount.find({ tenantId, siteId: scope(siteId), day: RATED }).lean<DailyCountDoc[]>();
      const summary = docs.find((d) => d.period === SUMMARY);
      if (!summary?.epoch) return null;
      const days = docs
        .filter((d) => d.period && d.period !== SUMMARY)
        .map((d): [string, RatingDay] => [d.period as string, { up: d.up ?? 0, down: d.down ?? 0, stale: d.stale ?? null }]);
      return { through: summary.through ?? null, epoch: summary.epoch, days: new Map(days) };
    },
    /** The summary of a first count (nothing counted yet), unless another instance wrote one first. */
    async startRatings(tenantId: string, siteId: string | undefined): Promise<void> {
      const doc = { _id: keptId(tenantId, siteId, RATED), tenantId, siteId: scope(siteId), day: RATED, period: SUMMARY };
      await DailyCount.insertMany([{ ...doc, epoch: randomUUID() }]).catch((error: unknown) => {
        if (!isDuplicateKey(error)) throw error;
      });
      await DailyCount.deleteOne({ _id: keptId(tenantId, siteId, TOTALS) });
    },
    /**
     * Keeps the ratings counted for these finished days, each only if its document is still what `kept` read (a day
     * whose ratings changed meanwhile keeps its new stamp, counted at the next read); a day without ratings keeps none.
     */
    async keepRatingDays(
      tenantId: string,
      siteId: string | undefined,
      counted: Map<string, Ratings>,
      kept: Map<string, RatingDay>,
    ): Promise<void> {
      const fresh = [];
      for (const [day, ratings] of counted) {
        const _id = ratedId(tenantId, siteId, day);
        const before = kept.get(day);
        const doc = { tenantId, siteId: scope(siteId), day: RATED, period: day, ...ratings };
        if (!before) {
          if (ratings.up || ratings.down) fresh.push({ _id, ...doc });
          continue;
        }
        const unchanged = { _id, stale: before.stale ?? { $exists: false } };
        if (ratings.up || ratings.down) await DailyCount.replaceOne(unchanged, doc);
        else await DailyCount.deleteOne(unchanged);
      }
      if (fresh.length)
        await DailyCount.insertMany(fresh, { ordered: false }).catch((error: unknown) => {
          if (!isDuplicateKey(error)) throw error;
        });
    },
    /**
     * Moves `through` forward if the summary is still what was read before counting. False when a deletion changed the
     * `epoch` meanwhile (or removed the summary): what was counted before it is then stamped stale (`days`).
     */
    async advanceRatings(
      tenantId: string,
      siteId: string | undefined,
      from: Pick<KeptRatings, 'through' | 'epoch'>,
      through: string,
      days: string[],
    ): Promise<boolean> {
      const _id = keptId(tenantId, siteId, RATED);
      const moved = await DailyCount.updateOne({ _id, epoch: from.epoch, through: from.through }, { $set: { through } });
      if (moved.matchedCount) return true;
      const now = await DailyCount.findById(_id).select({ epoch: 1 }).lean<Pick<DailyCountDoc, 'epoch'>>();
      if (now?.epoch === from.epoch) return true;
      const stale = randomUUID();
      for (const some of inReads(days))
        await DailyCount.updateMany({ _id: { $in: some.map((day) => ratedId(tenantId, siteId, day)) } }, { $set: { stale } });
      return false;
    },
    ratingsChanged: (tenantId: string, siteId: string, day: string) => ratingsChanged(DailyCount, tenantId, siteId, day),
    forget: (tenantId: string, days?: string[]) => forgetDailyCounts(DailyCount, tenantId, days),
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      await DailyCount.deleteMany({ tenantId, siteId });
    },
  };
}
export type DailyCountRepository = ReturnType<typeof dailyCountRepository>;
