import { Schema } from 'mongoose';

/**
 * What the stats show for one UTC day of a tenant (or of one of its sites), kept once the day is over, so 30 days of
 * stats are one read by `_id` instead of counting every message. `_id` = `<tenantId>|<siteId or *>|<YYYY-MM-DD>`.
 * Deleting data of a day removes that day's documents; the next stats read counts it again.
 */
export interface DailyCountDoc {
  _id: string;
  tenantId: string;
  /** `*` for the whole tenant. */
  siteId: string;
  day: string;
  conversations: number;
  messages: number;
  images: number;
}

export const dailyCountSchema = new Schema<DailyCountDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    siteId: { type: String, required: true },
    day: { type: String, required: true },
    conversations: { type: Number, required: true },
    messages: { type: Number, required: true },
    images: { type: Number, required: true },
  },
  { versionKey: false },
);
// The days a deletion touched.
dailyCountSchema.index({ tenantId: 1, day: 1 });
// A deleted site's.
dailyCountSchema.index({ tenantId: 1, siteId: 1 });
