import type { RemovalRecord } from '../../contract/dataRemoval.js';
import type { Models } from '../db/models/index.js';
import type { RemovalDoc } from '../db/models/removal.js';
import { afterDescending, type CursorPosition, oid, toPage } from './cursor.js';

export type NewRemoval = Omit<RemovalRecord, 'id' | 'createdAt' | 'before'> & { tenantId: string; before: Date | null };

const toRemoval = (doc: RemovalDoc): RemovalRecord => ({
  id: String(doc._id),
  siteId: String(doc.siteId),
  kind: doc.kind,
  subject: doc.subject?.visitorId
    ? { visitorId: doc.subject.visitorId }
    : doc.subject?.userId !== undefined
      ? { userId: doc.subject.userId }
      : null,
  before: doc.before ? doc.before.toISOString() : null,
  counts: doc.counts,
  createdAt: doc.createdAt.toISOString(),
});

/** Erasure receipts and retention run records (`db/models/removal.ts`). */
export function removalRepository({ Removal }: Models) {
  return {
    async create(record: NewRemoval): Promise<RemovalRecord> {
      const doc = await Removal.create({ ...record, siteId: oid(record.siteId) });
      return toRemoval(doc.toObject());
    },
    async listForSite(tenantId: string, siteId: string, limit: number, after?: CursorPosition) {
      const docs = await Removal.find({ tenantId, siteId: oid(siteId), ...afterDescending('createdAt', after) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<RemovalDoc[]>();
      return toPage(docs.map(toRemoval), limit, (r) => ({ at: new Date(r.createdAt), id: oid(r.id) }));
    },
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      await Removal.deleteMany({ tenantId, siteId: oid(siteId) });
    },
  };
}
export type RemovalRepository = ReturnType<typeof removalRepository>;
