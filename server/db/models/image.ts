import { Schema, type Types } from 'mongoose';

export interface ImageDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  visitorId: Types.ObjectId;
  conversationId: Types.ObjectId | null;
  messageId: Types.ObjectId | null;
  storage: 'local' | 'imagekit';
  key: string;
  providerFileId: string | null;
  url: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  originalName: string | null;
  day: string;
  /** UTC ten minutes of creation (`utcSlot`), for the open day's stats; absent on documents stored before it. */
  slot?: string;
  createdAt: Date;
}

export const imageSchema = new Schema<ImageDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, default: null },
    messageId: { type: Schema.Types.ObjectId, default: null },
    storage: { type: String, enum: ['local', 'imagekit'], required: true },
    key: { type: String, required: true },
    providerFileId: { type: String, default: null },
    url: { type: String, required: true },
    mimeType: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
    bytes: { type: Number, required: true },
    sha256: { type: String, required: true },
    originalName: { type: String, default: null },
    day: { type: String, required: true },
    slot: { type: String },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Admin gallery (by tenant, optionally site), a conversation's images, orphan sweep, stats, quota,
// a site's unattached uploads.
imageSchema.index({ tenantId: 1, createdAt: -1, _id: -1 });
imageSchema.index({ tenantId: 1, siteId: 1, createdAt: -1, _id: -1 });
imageSchema.index({ tenantId: 1, conversationId: 1 });
imageSchema.index({ messageId: 1, createdAt: 1 });
imageSchema.index({ tenantId: 1, day: 1 });
imageSchema.index({ tenantId: 1, siteId: 1, day: 1 });
imageSchema.index({ tenantId: 1, slot: 1 });
imageSchema.index({ tenantId: 1, siteId: 1, slot: 1 });
imageSchema.index({ tenantId: 1, siteId: 1, messageId: 1 });
// A visitor's uploads, for an erasure.
imageSchema.index({ tenantId: 1, visitorId: 1 });
