import type { Models } from '../db/models/index.js';
import type { WebhookAttemptDoc, WebhookDoc } from '../db/models/webhook.js';
import { afterDescending, type CursorPosition, oid, toPage } from './cursor.js';

/** A stored endpoint: its document's fields (signing secret included) under a string id. */
export type WebhookRecord = Omit<WebhookDoc, '_id'> & { id: string };

export type WebhookAttemptRecord = Omit<WebhookAttemptDoc, '_id' | 'webhookId'> & { id: string; webhookId: string };

const toWebhook = (doc: WebhookDoc): WebhookRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  url: doc.url,
  events: [...doc.events],
  enabled: doc.enabled,
  description: doc.description ?? null,
  secret: doc.secret,
  disabledReason: doc.disabledReason ?? null,
  disabledAt: doc.disabledAt ?? null,
  consecutiveFailures: doc.consecutiveFailures ?? 0,
  failingSince: doc.failingSince ?? null,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
});

const toAttempt = ({ _id, webhookId, ...rest }: WebhookAttemptDoc): WebhookAttemptRecord => ({
  ...rest,
  id: String(_id),
  webhookId: String(webhookId),
});

export type WebhookChanges = Partial<
  Pick<WebhookRecord, 'url' | 'events' | 'enabled' | 'description' | 'secret' | 'disabledReason' | 'disabledAt'>
>;

export function webhookRepository({ Webhook, WebhookAttempt }: Models) {
  return {
    async create(input: Pick<WebhookRecord, 'tenantId' | 'url' | 'events' | 'enabled' | 'description' | 'secret'>) {
      return toWebhook((await Webhook.create(input)).toObject());
    },
    async findForTenant(tenantId: string, id: string): Promise<WebhookRecord | null> {
      const doc = await Webhook.findOne({ _id: oid(id), tenantId }).lean<WebhookDoc>();
      return doc ? toWebhook(doc) : null;
    },
    /** The delivery's read, by `_id`; the job carries the tenant, checked by the caller. */
    async findById(id: string): Promise<WebhookRecord | null> {
      const doc = await Webhook.findById(oid(id)).lean<WebhookDoc>();
      return doc ? toWebhook(doc) : null;
    },
    async list(tenantId: string): Promise<WebhookRecord[]> {
      const docs = await Webhook.find({ tenantId }).sort({ createdAt: -1 }).limit(100).lean<WebhookDoc[]>();
      return docs.map(toWebhook);
    },
    /** What an emit reads: the tenant's enabled endpoints (few; equality on an indexed prefix). */
    async enabledForTenant(tenantId: string): Promise<Pick<WebhookRecord, 'id' | 'events'>[]> {
      const docs = await Webhook.find({ tenantId, enabled: true })
        .select({ events: 1 })
        .lean<Pick<WebhookDoc, '_id' | 'events'>[]>();
      return docs.map((doc) => ({ id: String(doc._id), events: doc.events }));
    },
    async countForTenant(tenantId: string): Promise<number> {
      return Webhook.countDocuments({ tenantId });
    },
    async update(tenantId: string, id: string, changes: WebhookChanges & { resetFailures?: boolean }) {
      const { resetFailures, ...set } = changes;
      const doc = await Webhook.findOneAndUpdate(
        { _id: oid(id), tenantId },
        { $set: { ...set, ...(resetFailures ? { consecutiveFailures: 0, failingSince: null } : {}) } },
        { returnDocument: 'after' },
      ).lean<WebhookDoc>();
      return doc ? toWebhook(doc) : null;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await Webhook.deleteOne({ _id: oid(id), tenantId });
      if (result.deletedCount) await WebhookAttempt.deleteMany({ tenantId, webhookId: oid(id) });
      return result.deletedCount === 1;
    },
    /** A success ends a failure streak. */
    async recordSuccess(id: string): Promise<void> {
      await Webhook.updateOne(
        { _id: oid(id), consecutiveFailures: { $gt: 0 } },
        { $set: { consecutiveFailures: 0, failingSince: null } },
      );
    },
    /** Counts a failed attempt; returns the streak as it stands now (approximate under concurrent deliveries). */
    async recordFailure(id: string, at: Date): Promise<Pick<WebhookRecord, 'consecutiveFailures' | 'failingSince'> | null> {
      await Webhook.updateOne({ _id: oid(id), failingSince: null }, { $set: { failingSince: at } });
      const doc = await Webhook.findOneAndUpdate(
        { _id: oid(id) },
        { $inc: { consecutiveFailures: 1 } },
        { returnDocument: 'after' },
      ).lean<WebhookDoc>();
      return doc ? { consecutiveFailures: doc.consecutiveFailures, failingSince: doc.failingSince ?? at } : null;
    },
    /** Disables an endpoint that is still enabled; `false` when it already was not. */
    async disable(id: string, reason: string, at: Date): Promise<boolean> {
      const result = await Webhook.updateOne(
        { _id: oid(id), enabled: true },
        { $set: { enabled: false, disabledReason: reason, disabledAt: at } },
      );
      return result.modifiedCount === 1;
    },
    async recordAttempt(attempt: Omit<WebhookAttemptRecord, 'id'>): Promise<void> {
      await WebhookAttempt.create({ ...attempt, webhookId: oid(attempt.webhookId) });
    },
    async listAttempts(tenantId: string, webhookId: string, limit: number, after?: CursorPosition) {
      const docs = await WebhookAttempt.find({ tenantId, webhookId: oid(webhookId), ...afterDescending('createdAt', after) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<WebhookAttemptDoc[]>();
      return toPage(docs.map(toAttempt), limit, (a) => ({ at: a.createdAt, id: oid(a.id) }));
    },
    /** Forgets attempts older than `before` (the log keeps 30 days). */
    async pruneAttempts(before: Date): Promise<number> {
      return (await WebhookAttempt.deleteMany({ createdAt: { $lt: before } })).deletedCount;
    },
  };
}
export type WebhookRepository = ReturnType<typeof webhookRepository>;
