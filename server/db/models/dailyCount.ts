import { Schema } from 'mongoose';

/**
 * What the stats show for one UTC day of a tenant (or of one of its sites), kept once the day is over, so 30 days of
 * stats are one read by `_id` instead of counting every message. `_id` = `<tenantId>|<siteId or *>|<YYYY-MM-DD>`; the
 * finished hours of the open day, and the finished ten minutes of its open hour, are kept the same way (`period`, and
 * dropped once the day or hour that holds them is kept).
 * Beside them, per tenant and site, the ratings of each finished day that holds one (`_id` = `…|rated|<YYYY-MM-DD>`,
 * `day` `rated`, the day in `period`) and a summary (`_id` = `…|rated`, `day` `rated`, `period` `all`): the days
 * before `through` are all kept. All-time ratings are their sum and the open days' count. Deleting data of a day
 * removes that day's counts and stamps its ratings stale (counted again at the next read), as a late rating of one of
 * its answers does.
 */
export interface DailyCountDoc {
  _id: string;
  tenantId: string;
  /** `*` for the whole tenant. */
  siteId: string;
  /** The period's day (`rated` for the ratings). */
  day: string;
  /**
   * The period when it is an hour (`YYYY-MM-DDTHH`) or ten minutes (`YYYY-MM-DDTHH:M`); absent on a day's counts; the
   * day of a day's ratings, `all` for their summary.
   */
  period?: string;
  conversations?: number;
  messages?: number;
  images?: number;
  /** A day's ratings. */
  up?: number;
  down?: number;
  /** The summary's first day not kept yet (absent: none counted yet). */
  through?: string;
  /** The summary's stamp, changed by every deletion of the tenant's data: a count kept only if it did not change. */
  epoch?: string;
  /** A day's ratings changed (a random stamp): counted again, then replaced only if still so stamped. */
  stale?: string;
}

export const dailyCountSchema = new Schema<DailyCountDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    siteId: { type: String, required: true },
    day: { type: String, required: true },
    period: { type: String },
    conversations: { type: Number },
    messages: { type: Number },
    images: { type: Number },
    up: { type: Number },
    down: { type: Number },
    through: { type: String },
    epoch: { type: String },
    stale: { type: String },
  },
  { versionKey: false },
);
// The days a deletion touched; the ratings of those days and the ratings' summaries.
dailyCountSchema.index({ tenantId: 1, day: 1, period: 1 });
// A deleted site's; the parts of a site's kept day.
dailyCountSchema.index({ tenantId: 1, siteId: 1, day: 1, period: 1 });
