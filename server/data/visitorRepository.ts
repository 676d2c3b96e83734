import type { Models } from '../db/models/index.js';
import type { LeadDoc, VisitorDoc } from '../db/models/visitor.js';
import { oid } from './cursor.js';

/** What a visitor left through the lead form (`contract/leads.ts`), with dates. */
export interface LeadRecord {
  name: string | null;
  email: string | null;
  capturedAt: Date;
  updatedAt: Date;
}

export const toLead = (doc: LeadDoc | null | undefined): LeadRecord | null =>
  doc
    ? { name: doc.name ?? null, email: doc.email ?? null, capturedAt: doc.capturedAt, updatedAt: doc.updatedAt ?? doc.capturedAt }
    : null;

export interface VisitorRecord {
  id: string;
  tenantId: string;
  siteId: string;
  userId: string | null;
  name: string | null;
  email: string | null;
  lead: LeadRecord | null;
}

const toVisitor = (doc: VisitorDoc): VisitorRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  userId: doc.userId ?? null,
  name: doc.name ?? null,
  email: doc.email ?? null,
  lead: toLead(doc.lead),
});

export function visitorRepository({ Visitor }: Models) {
  return {
    async create(visitor: Omit<VisitorRecord, 'id' | 'lead'>): Promise<VisitorRecord> {
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
    async findForSite(tenantId: string, siteId: string, id: string): Promise<VisitorRecord | null> {
      const doc = await Visitor.findOne({ _id: oid(id), tenantId, siteId: oid(siteId) }).lean<VisitorDoc>();
      return doc ? toVisitor(doc) : null;
    },
    /** Every visitor of a site with this verified user id (one normally; more if identities were revoked and reused). */
    async listByUser(tenantId: string, siteId: string, userId: string): Promise<VisitorRecord[]> {
      const docs = await Visitor.find({ siteId: oid(siteId), userId })
        .limit(1000)
        .lean<VisitorDoc[]>();
      return docs.map(toVisitor).filter((visitor) => visitor.tenantId === tenantId);
    },
    /** A site's visitors created before `before`, oldest first, after the keyset position `after` (retention). */
    async createdBefore(
      tenantId: string,
      siteId: string,
      before: Date,
      limit: number,
      after?: { at: Date; id: string },
    ): Promise<(VisitorRecord & { createdAt: Date })[]> {
      const keyset = after
        ? { $or: [{ createdAt: { $gt: after.at } }, { createdAt: after.at, _id: { $gt: oid(after.id) } }] }
        : {};
      const docs = await Visitor.find({ tenantId, siteId: oid(siteId), createdAt: { $lt: before }, ...keyset })
        .sort({ createdAt: 1, _id: 1 })
        .limit(limit)
        .lean<VisitorDoc[]>();
      return docs.map((doc) => ({ ...toVisitor(doc), createdAt: doc.createdAt }));
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await Visitor.deleteOne({ _id: oid(id), tenantId });
      return result.deletedCount === 1;
    },
    async deleteForSite(tenantId: string, siteId: string): Promise<number> {
      const result = await Visitor.deleteMany({ tenantId, siteId: oid(siteId) });
      return result.deletedCount;
    },
    /** The email a visitor left when asking for a person. */
    async setEmail(id: string, email: string): Promise<void> {
      await Visitor.updateOne({ _id: oid(id) }, { $set: { email } });
    },
    /** The visitor's lead, by `_id` (callers check tenant and site). */
    async setLead(id: string, lead: LeadRecord): Promise<void> {
      await Visitor.updateOne({ _id: oid(id) }, { $set: { lead } });
    },
    async updateProfile(id: string, profile: { name: string | null; email: string | null }): Promise<void> {
      await Visitor.updateOne({ _id: oid(id) }, { $set: profile });
    },
  };
}
export type VisitorRepository = ReturnType<typeof visitorRepository>;
