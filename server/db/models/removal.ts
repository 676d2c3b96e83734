import { Schema, type Types } from 'mongoose';

/**
 * What an erasure or a retention run deleted, kept as the owner's proof (`contract/dataRemoval.ts`). It names the
 * erased visitor or user id and counts, never their content.
 */
export interface RemovalDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  kind: 'erasure' | 'retention';
  subject: { visitorId?: string; userId?: string } | null;
  before: Date | null;
  counts: { conversations: number; messages: number; images: number; visitors: number; leads: number };
  createdAt: Date;
}

export const removalSchema = new Schema<RemovalDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    kind: { type: String, enum: ['erasure', 'retention'], required: true },
    subject: { type: Schema.Types.Mixed, default: null },
    before: { type: Date, default: null },
    counts: { type: Schema.Types.Mixed, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, minimize: false },
);
// A site's records, newest first (the admin list); a deleted site's.
removalSchema.index({ tenantId: 1, siteId: 1, createdAt: -1, _id: -1 });
