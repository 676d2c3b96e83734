import { Schema } from 'mongoose';

/**
 * What the stats show for one UTC day of a tenant (or of one of its sites), kept once the day is over, so 30 days of
 * stats are one read by `_id` instead of counting every message. `_id` = `<tenantId>|<siteId or *>|<YYYY-MM-DD>`; the
 * finished hours of the open day, and the finished ten minutes of its open hour, are kept the same way (`period`, and
 * dropped once the day or hour that holds them is kept).
 * Beside them, per tenant and site, the all-time ratings of the days that are over (`_id` = `…|ratings`, `day`
 * `ratings`). Deleting data of a day removes that day's documents and the ratings; the next stats read counts again.
 */
export interface DailyCountDoc {
  _id: string;
  tenantId: string;
  /** `*` for the whole tenant. */
  siteId: string;
  /** The period's day (`ratings` for the ratings). */
  day: string;
  /** The period when it is an hour (`YYYY-MM-DDTHH`) or ten minutes (`YYYY-MM-DDTHH:M`); absent on a day's counts. */
  period?: string;
  conversations?: number;
  messages?: number;
  images?: number;
  /** The ratings: those of the answers stored before the day `through`. */
  up?: number;
  down?: number;
  through?: string;
  /** A rating of such an answer changed (a random stamp): counted again, then replaced only if still so stamped. */
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
    stale: { type: String },
  },
  { versionKey: false },
);
// The days a deletion touched.
dailyCountSchema.index({ tenantId: 1, day: 1 });
// A deleted site's; the parts of a site's kept day.
dailyCountSchema.index({ tenantId: 1, siteId: 1, day: 1, period: 1 });
