import type { ImageDoc } from '../db/models/image.js';
import type { Models } from '../db/models/index.js';
import type { ImageStorageName } from '../images/ImageStorage.js';
import { countPerPeriod } from './countPerPeriod.js';
import { afterDescending, type CursorPosition, oid, toPage, utcDay, utcSlot } from './cursor.js';
import { forgetDailyCounts } from './dailyCountRepository.js';
import type { AttachedImage } from './messageRepository.js';
import { backfillSlot } from './slotBackfill.js';

export interface ImageRecord {
  id: string;
  tenantId: string;
  siteId: string;
  visitorId: string;
  conversationId: string | null;
  messageId: string | null;
  storage: ImageStorageName;
  key: string;
  providerFileId: string | null;
  url: string;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  originalName: string | null;
  createdAt: Date;
}

const toImage = (doc: ImageDoc): ImageRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  visitorId: String(doc.visitorId),
  conversationId: doc.conversationId ? String(doc.conversationId) : null,
  messageId: doc.messageId ? String(doc.messageId) : null,
  storage: doc.storage,
  key: doc.key,
  providerFileId: doc.providerFileId ?? null,
  url: doc.url,
  mimeType: doc.mimeType,
  width: doc.width,
  height: doc.height,
  bytes: doc.bytes,
  sha256: doc.sha256,
  originalName: doc.originalName ?? null,
  createdAt: doc.createdAt,
});

/** What a message keeps of an attached image. */
export const toAttachedImage = ({ id, storage, key, url, mimeType, width, height }: ImageRecord): AttachedImage => ({
  id,
  storage,
  key,
  url,
  mimeType,
  width,
  height,
});

export interface ImageFilter {
  tenantId: string;
  siteId?: string;
  from?: Date;
  to?: Date;
}

export function imageRepository({ Image, DailyCount }: Models) {
  return {
    /** Gives `slot` to the tenant's images stored before it (`backfillSlot`); the days of those it changed. */
    backfillSlot: (tenantId: string, signal?: AbortSignal) => backfillSlot(Image, tenantId, signal),
    async create(image: Omit<ImageRecord, 'id'>): Promise<ImageRecord> {
      const doc = await Image.create({
        ...image,
        siteId: oid(image.siteId),
        visitorId: oid(image.visitorId),
        conversationId: image.conversationId ? oid(image.conversationId) : null,
        messageId: image.messageId ? oid(image.messageId) : null,
        day: utcDay(image.createdAt),
        slot: utcSlot(image.createdAt),
      });
      return toImage(doc.toObject());
    },
    async findById(id: string): Promise<ImageRecord | null> {
      const doc = await Image.findById(oid(id)).lean<ImageDoc>();
      return doc ? toImage(doc) : null;
    },
    async attach(id: string, conversationId: string, messageId: string): Promise<void> {
      await Image.updateOne({ _id: oid(id) }, { $set: { conversationId: oid(conversationId), messageId: oid(messageId) } });
    },
    async list(filter: ImageFilter, limit: number, after?: CursorPosition) {
      const query: Record<string, unknown> = { tenantId: filter.tenantId };
      if (filter.siteId) query.siteId = oid(filter.siteId);
      if (filter.from || filter.to)
        query.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lte: filter.to } : {}) };
      const docs = await Image.find({ ...query, ...afterDescending('createdAt', after) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<ImageDoc[]>();
      return toPage(docs.map(toImage), limit, (i) => ({ at: i.createdAt, id: oid(i.id) }));
    },
    async forConversation(tenantId: string, conversationId: string): Promise<ImageRecord[]> {
      const docs = await Image.find({ tenantId, conversationId: oid(conversationId) }).lean<ImageDoc[]>();
      return docs.map(toImage);
    },
    async forSite(tenantId: string, siteId: string, limit: number): Promise<ImageRecord[]> {
      const docs = await Image.find({ tenantId, siteId: oid(siteId) })
        .limit(limit)
        .lean<ImageDoc[]>();
      return docs.map(toImage);
    },
    /** A visitor's uploads (an erasure's batches). */
    async forVisitor(tenantId: string, visitorId: string, limit: number): Promise<ImageRecord[]> {
      const docs = await Image.find({ tenantId, visitorId: oid(visitorId) })
        .limit(limit)
        .lean<ImageDoc[]>();
      return docs.map(toImage);
    },
    /** Uploads never attached to a message, older than `before`. */
    async unattachedBefore(before: Date, limit = 500): Promise<ImageRecord[]> {
      const docs = await Image.find({ messageId: null, createdAt: { $lt: before } })
        .sort({ createdAt: 1 })
        .limit(limit)
        .lean<ImageDoc[]>();
      return docs.map(toImage);
    },
    /** How many uploads of a site wait unattached to a message, and their bytes. */
    async unattachedForSite(tenantId: string, siteId: string): Promise<{ count: number; bytes: number }> {
      const rows = (await Image.aggregate([
        { $match: { tenantId, siteId: oid(siteId), messageId: null } },
        { $group: { _id: null, count: { $sum: 1 }, bytes: { $sum: '$bytes' } } },
      ])) as { count: number; bytes: number }[];
      return { count: rows[0]?.count ?? 0, bytes: rows[0]?.bytes ?? 0 };
    },
    async bytesForTenant(tenantId: string): Promise<number> {
      const rows = (await Image.aggregate([{ $match: { tenantId } }, { $group: { _id: null, total: { $sum: '$bytes' } } }])) as {
        total: number;
      }[];
      return rows[0]?.total ?? 0;
    },
    async delete(id: string): Promise<void> {
      const doc = await Image.findById(oid(id)).select({ tenantId: 1, day: 1 }).lean<Pick<ImageDoc, 'tenantId' | 'day'>>();
      await Image.deleteOne({ _id: oid(id) });
      if (doc) await forgetDailyCounts(DailyCount, doc.tenantId, [doc.day]);
    },
    /** What the stats count, per listed day, hour or ten minutes (see `countPerPeriod`). */
    async countPerPeriod(tenantId: string, periods: string[], siteId?: string) {
      return countPerPeriod(Image, tenantId, periods, siteId);
    },
  };
}
export type ImageRepository = ReturnType<typeof imageRepository>;
