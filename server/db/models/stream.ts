import { Schema, type Types } from 'mongoose';
import type { MessageDoc } from './message.js';

/**
 * An answer being streamed right now. The final message is inserted into `messages` when it ends
 * (complete, stopped or error) and this entry removed, so the send path inserts instead of updating
 * the large messages collection (every update scans on the embedded database). The instance
 * streaming it (`owner`) renews `leaseUntil` while it streams; an entry whose lease expired was left
 * by an instance that died (or lost the database) and is turned into an `error` message by any instance.
 */
export interface StreamDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  conversationId: Types.ObjectId;
  /** The sender (absent on entries from before it): see `StreamRecord.visitorId`. */
  visitorId?: Types.ObjectId;
  clientMessageId: string;
  model: string | null;
  startedAt: Date;
  owner: string;
  leaseUntil: Date;
  /** A new send's question as stored in `messages`, until it joins the window with its answer. */
  question?: MessageDoc;
  /** A retry's entry: the answer it replaces was counted when it was first stored, so recovering it counts nothing. */
  retry?: boolean;
}

export const streamSchema = new Schema<StreamDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    conversationId: { type: Schema.Types.ObjectId, required: true },
    visitorId: { type: Schema.Types.ObjectId, default: undefined },
    clientMessageId: { type: String, required: true },
    model: { type: String, default: null },
    startedAt: { type: Date, required: true },
    owner: { type: String, required: true },
    leaseUntil: { type: Date, required: true },
    question: { type: Schema.Types.Mixed, default: undefined },
    retry: { type: Boolean, default: undefined },
  },
  { versionKey: false },
);
streamSchema.index({ tenantId: 1, conversationId: 1 });
