import type { Models } from '../db/models/index.js';
import type { KnowledgeSourceDoc } from '../db/models/knowledge.js';
import { afterDescending, type CursorPosition, oid, toPage } from './cursor.js';

/** A stored knowledge source as the domain sees it: the document with string ids (the model says what each field is). */
export type SourceRecord = Omit<KnowledgeSourceDoc, '_id' | 'siteId' | 'updatedAt'> & { id: string; siteId: string };

export type NewSource = Pick<SourceRecord, 'tenantId' | 'siteId' | 'type' | 'title' | 'url' | 'text' | 'maxPages' | 'file'>;
/** What a sync writes as it goes (never the identity, the kind or the origin of the source). */
export type SourceChanges = Partial<
  Pick<
    SourceRecord,
    | 'title'
    | 'status'
    | 'error'
    | 'warning'
    | 'generation'
    | 'pages'
    | 'chunks'
    | 'progress'
    | 'failedPages'
    | 'failures'
    | 'pageHashes'
    | 'lastSyncedAt'
    | 'file'
  >
>;

const toSource = (doc: KnowledgeSourceDoc): SourceRecord => ({
  id: String(doc._id),
  tenantId: doc.tenantId,
  siteId: String(doc.siteId),
  type: doc.type,
  title: doc.title,
  url: doc.url ?? null,
  text: doc.text ?? null,
  maxPages: doc.maxPages ?? null,
  file: doc.file ? { mimeType: doc.file.mimeType, bytes: doc.file.bytes, parts: doc.file.parts } : null,
  status: doc.status,
  error: doc.error ? { code: doc.error.code, message: doc.error.message } : null,
  warning: doc.warning ? { code: doc.warning.code, message: doc.warning.message } : null,
  generation: doc.generation ?? 0,
  pages: doc.pages ?? 0,
  chunks: doc.chunks ?? 0,
  progress: { done: doc.progress?.done ?? 0, total: doc.progress?.total ?? 0 },
  failedPages: doc.failedPages ?? 0,
  failures: (doc.failures ?? []).map(({ url, page, code, message }) => ({ url: url ?? null, page: page ?? null, code, message })),
  pageHashes: (doc.pageHashes ?? []).map(({ key, hash }) => ({ key, hash })),
  lastSyncedAt: doc.lastSyncedAt ?? null,
  createdAt: doc.createdAt,
});

export function knowledgeSourceRepository({ KnowledgeSource }: Models) {
  return {
    async create(source: NewSource): Promise<SourceRecord> {
      const doc = await KnowledgeSource.create({ ...source, siteId: oid(source.siteId), status: 'queued' });
      return toSource(doc.toObject());
    },
    async findForTenant(tenantId: string, id: string): Promise<SourceRecord | null> {
      const doc = await KnowledgeSource.findOne({ _id: oid(id), tenantId }).lean<KnowledgeSourceDoc>();
      return doc ? toSource(doc) : null;
    },
    /** A site's sources, newest first. */
    async listForSite(tenantId: string, siteId: string, limit: number, after?: CursorPosition) {
      const docs = await KnowledgeSource.find({ tenantId, siteId: oid(siteId), ...afterDescending('createdAt', after) })
        .sort({ createdAt: -1, _id: -1 })
        .limit(limit + 1)
        .lean<KnowledgeSourceDoc[]>();
      return toPage(docs.map(toSource), limit, (s) => ({ at: s.createdAt, id: oid(s.id) }));
    },
    /** Every source of a site (at most `limit`): what retrieval serves, and what a site deletion removes. */
    async forSite(tenantId: string, siteId: string, limit = 1000): Promise<SourceRecord[]> {
      const docs = await KnowledgeSource.find({ tenantId, siteId: oid(siteId) })
        .limit(limit)
        .lean<KnowledgeSourceDoc[]>();
      return docs.map(toSource);
    },
    /** A tenant's sources, and the pages and chunks they serve: what the limits count. */
    async totalsForTenant(tenantId: string): Promise<{ sources: number; pages: number; chunks: number }> {
      // Summed here rather than by `$group`: the embedded database summed these updated fields as 0. A tenant has at
      // most a few hundred sources.
      const docs = await KnowledgeSource.find({ tenantId }, { pages: 1, chunks: 1 }).lean<KnowledgeSourceDoc[]>();
      return {
        sources: docs.length,
        pages: docs.reduce((sum, doc) => sum + (doc.pages ?? 0), 0),
        chunks: docs.reduce((sum, doc) => sum + (doc.chunks ?? 0), 0),
      };
    },
    async update(tenantId: string, id: string, changes: SourceChanges): Promise<SourceRecord | null> {
      const doc = await KnowledgeSource.findOneAndUpdate(
        { _id: oid(id), tenantId },
        { $set: changes },
        { returnDocument: 'after' },
      ).lean<KnowledgeSourceDoc>();
      return doc ? toSource(doc) : null;
    },
    async delete(tenantId: string, id: string): Promise<boolean> {
      const result = await KnowledgeSource.deleteOne({ _id: oid(id), tenantId });
      return result.deletedCount === 1;
    },
  };
}
export type KnowledgeSourceRepository = ReturnType<typeof knowledgeSourceRepository>;
