import { Schema } from 'mongoose';

/**
 * A site's metered use on one UTC day: a block of model calls reserved by an instance, `_id` =
 * `<siteId>:<YYYY-MM-DD>:<block>` (the unique `_id` gives each block to one instance); or, from before blocks, the day's
 * count, `_id` = `<siteId>:<YYYY-MM-DD>` with `modelCalls`.
 */
export interface UsageDoc {
  _id: string;
  tenantId: string;
  siteId: string;
  day: string;
  block?: number;
  /** How many calls the block holds. */
  size?: number;
  modelCalls?: number;
}

export const usageSchema = new Schema<UsageDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    siteId: { type: String, required: true },
    day: { type: String, required: true },
    block: { type: Number },
    size: { type: Number },
    modelCalls: { type: Number },
  },
  { versionKey: false },
);
// A site's day (its blocks), and a deleted site's days.
usageSchema.index({ tenantId: 1, siteId: 1, day: 1 });
