import { DEFAULT_LEAD_CAPTURE, type LeadCapture } from '../../contract/leads.js';
import { DEFAULT_DAILY_MODEL_CALLS, type Site } from '../../contract/sites.js';
import type { Models } from '../db/models/index.js';
import type { SiteDoc } from '../db/models/site.js';
import { oid } from './cursor.js';

/** A stored site: its view's fields, its tenant and the identity secret (`null`: verification off). */
export interface SiteRecord extends Omit<Site, 'identityVerification'> {
  tenantId: string;
  identitySecret: string | null;
}

export type NewSite = Omit<SiteRecord, 'id' | 'createdAt' | 'updatedAt'>;
export type SiteChanges = Partial<Omit<SiteRecord, 'id' | 'tenantId' | 'publicKey' | 'createdAt' | 'updatedAt'>>;

export function toSite(doc: SiteDoc): SiteRecord {
  return {
    id: String(doc._id),
    tenantId: doc.tenantId,
    name: doc.name,
    publicKey: doc.publicKey,
    allowedOrigins: [...doc.allowedOrigins],
    look: {
      title: doc.look.title,
      accentColor: doc.look.accentColor,
      position: doc.look.position as SiteRecord['look']['position'],
      greeting: doc.look.greeting,
      starterPrompts: [...doc.look.starterPrompts],
      zIndex: doc.look.zIndex,
    },
    persona: doc.persona,
    model: doc.model ?? null,
    temperature: doc.temperature,
    faq: doc.faq.map(({ question, answer }) => ({ question, answer })),
    dailyModelCalls: doc.dailyModelCalls ?? DEFAULT_DAILY_MODEL_CALLS,
    identitySecret: doc.identitySecret ?? null,
    handoffEmails: [...(doc.handoffEmails ?? [])],
    retentionDays: doc.retentionDays ?? null,
    leadCapture: doc.leadCapture ? { ...DEFAULT_LEAD_CAPTURE, ...(doc.leadCapture as LeadCapture) } : { ...DEFAULT_LEAD_CAPTURE },
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export function siteRepository({ Site }: Models) {
  return {
    async create(site: NewSite): Promise<SiteRecord> {
      const doc = await Site.create(site);
      return toSite(doc.toObject());
    },
    /** By `_id` only (the fast path on the embedded database); callers check the tenant. */
    async findById(id: string): Promise<SiteRecord | null> {
      const doc = await Site.findById(oid(id)).lean<SiteDoc>();
      return doc ? toSite(doc) : null;
    },
    async findForTenant(tenantId: string, id: string): Promise<SiteRecord | null> {
      const doc = await Site.findOne({ _id: oid(id), tenantId }).lean<SiteDoc>();
      return doc ? toSite(doc) : null;
    },
    async findByPublicKey(publicKey: string): Promise<SiteRecord | null> {
      const doc = await Site.findOne({ publicKey }).lean<SiteDoc>();
      return doc ? toSite(doc) : null;
    },
    async listForTenant(tenantId: string): Promise<SiteRecord[]> {
      const docs = await Site.find({ tenantId }).sort({ createdAt: -1 }).limit(500).lean<SiteDoc[]>();
      return docs.map(toSite);
    },
    /** Every site with a retention period (any tenant): the daily retention run's list. */
    async withRetention(): Promise<SiteRecord[]> {
      const docs = await Site.find({ retentionDays: { $gt: 0 } }).lean<SiteDoc[]>();
      return docs.map(toSite);
    },
    /** Every tenant with a site (one-time jobs over all data); the sites are few, read through `(tenantId, createdAt)`. */
    async tenantIds(): Promise<string[]> {
      const docs = await Site.find({}).select({ _id: 0, tenantId: 1 }).sort({ tenantId: 1, createdAt: -1 }).lean<SiteDoc[]>();
      return [...new Set(docs.map((d) => d.tenantId))];
    },
    async countForTenant(tenantId: string): Promise<number> {
      return Site.countDocuments({ tenantId });
    },
    async update(tenantId: string, id: string, changes: SiteChanges): Promise<SiteRecord | null> {
      const doc = await Site.findOneAndUpdate(
        { _id: oid(id), tenantId },
        { $set: changes },
        { returnDocument: 'after' },
      ).lean<SiteDoc>();
      return doc ? toSite(doc) : null;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await Site.deleteOne({ _id: oid(id), tenantId });
      return result.deletedCount === 1;
    },
  };
}
export type SiteRepository = ReturnType<typeof siteRepository>;
