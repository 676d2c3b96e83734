import type { Models } from '../db/models/index.js';
import type { VisitorDoc } from '../db/models/visitor.js';
import { oid } from './cursor.js';

export interface VisitorRecord {
  id: string;
  tenantId: string;
  siteId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
}

const toVisitor = (doc: VisitorDoc): VisitorRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  userId: doc.userId ?? null,
  name: doc.name ?? null,
  email: doc.email ?? null,
});

export function visitorRepository({ Visitor }: Models) {
  return {
    async create(visitor: Omit<VisitorRecord, 'id'>): Promise<VisitorRecord> {
      const doc = await Visitor.create({ ...visitor, siteId: oid(visitor.siteId) });
      return toVisitor(doc.toObject());
    },
    async findById(id: string): Promise<VisitorRecord | null> {
      const doc = await Visitor.findById(oid(id)).lean<VisitorDoc>();
      return doc ? toVisitor(doc) : null;
    },
    async findByUser(siteId: string, userId: string): Promise<VisitorRecord | null> {
      const doc = await Visitor.findOne({ siteId: oid(siteId), userId }).lean<VisitorDoc>();
      return doc ? toVisitor(doc) : null;
    },
    async deleteForSite(tenantId: string, siteId: string): Promise<number> {
      const result = await Visitor.deleteMany({ tenantId, siteId: oid(siteId) });
      return result.deletedCount;
    },
    /** The email a visitor left when asking for a person. */
    async setEmail(id: string, email: string): Promise<void> {
      await Visitor.updateOne({ _id: oid(id) }, { $set: { email } });
    },
    async updateProfile(id: string, profile: { name: string | null; email: string | null }): Promise<void> {
      await Visitor.updateOne({ _id: oid(id) }, { $set: profile });
    },
  };
}
export type VisitorRepository = ReturnType<typeof visitorRepository>;
