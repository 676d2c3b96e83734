import { Schema } from 'mongoose';

/** A site's metered use on one UTC day, `_id` = `<siteId>:<YYYY-MM-DD>` (read and counted by `_id`). */
export interface UsageDoc {
  _id: string;
  tenantId: string;
  siteId: string;
  day: string;
  modelCalls: number;
}

export const usageSchema = new Schema<UsageDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    siteId: { type: String, required: true },
    day: { type: String, required: true },
    modelCalls: { type: Number, default: 0 },
  },
  { versionKey: false },
);
// A deleted site's days.
usageSchema.index({ tenantId: 1, siteId: 1 });
