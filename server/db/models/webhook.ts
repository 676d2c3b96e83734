import { Schema, type Types } from 'mongoose';

/** A tenant's webhook endpoint (README "Webhooks"). */
export interface WebhookDoc {
  _id: Types.ObjectId;
  tenantId: string;
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
  /** Signs every delivery (HMAC-SHA256); shown to the admin once, at create and rotate. */
  secret: string;
  disabledReason: string | null;
  disabledAt: Date | null;
  /** Failed attempts since the last success, and when that streak began (automatic disabling). */
  consecutiveFailures: number;
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const webhookSchema = new Schema<WebhookDoc>(
  {
    tenantId: { type: String, required: true },
    url: { type: String, required: true },
    events: { type: [String], default: [] },
    enabled: { type: Boolean, default: true },
    description: { type: String, default: null },
    secret: { type: String, required: true },
    disabledReason: { type: String, default: null },
    disabledAt: { type: Date, default: null },
    consecutiveFailures: { type: Number, default: 0 },
    failingSince: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
// The admin list, and every emit's read of the tenant's endpoints (equality on both: the embedded database's prefilter).
webhookSchema.index({ tenantId: 1, enabled: 1, createdAt: -1 });
webhookSchema.index({ tenantId: 1, createdAt: -1 });

/** One delivery attempt: inserted, never updated (the log an admin reads). */
export interface WebhookAttemptDoc {
  _id: Types.ObjectId;
  tenantId: string;
  webhookId: Types.ObjectId;
  eventId: string;
  eventType: string;
  attempt: number;
  outcome: 'delivered' | 'failed';
  status: number | null;
  error: string | null;
  latencyMs: number;
  responseExcerpt: string;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export const webhookAttemptSchema = new Schema<WebhookAttemptDoc>(
  {
    tenantId: { type: String, required: true },
    webhookId: { type: Schema.Types.ObjectId, required: true },
    eventId: { type: String, required: true },
    eventType: { type: String, required: true },
    attempt: { type: Number, required: true },
    outcome: { type: String, enum: ['delivered', 'failed'], required: true },
    status: { type: Number, default: null },
    error: { type: String, default: null },
    latencyMs: { type: Number, required: true },
    responseExcerpt: { type: String, default: '' },
    nextAttemptAt: { type: Date, default: null },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The log, newest first, per endpoint; pruned by age.
webhookAttemptSchema.index({ tenantId: 1, webhookId: 1, createdAt: -1, _id: -1 });
webhookAttemptSchema.index({ createdAt: 1 });
