import type { Page } from '../../../contract/common.js';
import type { Source, SourceCreate, SourceFileFields } from '../../../contract/knowledge.js';
import { decodeCursor } from '../../data/cursor.js';
import type { JobRepository } from '../../data/jobRepository.js';
import type { KnowledgeChunkRepository } from '../../data/knowledgeChunkRepository.js';
import type { KnowledgeFileRepository } from '../../data/knowledgeFileRepository.js';
import type { KnowledgeSourceRepository, NewSource, SourceRecord } from '../../data/knowledgeSourceRepository.js';
import type { KnowledgeVersionRepository } from '../../data/knowledgeVersionRepository.js';
import type { UploadedFile } from '../../images/readUpload.js';
import { sniffKnowledgeFile } from '../../knowledge/extract/fileToDocuments.js';
import { AppError, invalidFields, notFound } from '../../lib/AppError.js';
import type { SiteService } from '../siteService.js';
import { KNOWLEDGE_SYNC, type KnowledgeLimits, syncJobKey } from './ingestion.js';

/** Web sources are synced again this often (pages whose content did not change are skipped). */
export const RESYNC_EVERY_MS = 7 * 24 * 60 * 60 * 1000;

export const toSourceView = (s: SourceRecord): Source => ({
  id: s.id,
  siteId: s.siteId,
  type: s.type,
  title: s.title,
  url: s.url,
  status: s.status,
  error: s.error,
  warning: s.warning,
  pages: s.pages,
  chunks: s.chunks,
  progress: s.progress,
  failedPages: s.failedPages,
  failures: s.failures,
  lastSyncedAt: s.lastSyncedAt?.toISOString() ?? null,
  createdAt: s.createdAt.toISOString(),
});

export interface KnowledgeSourcesDeps {
  sites: SiteService;
  sources: KnowledgeSourceRepository;
  chunks: KnowledgeChunkRepository;
  versions: KnowledgeVersionRepository;
  files: KnowledgeFileRepository;
  jobs: JobRepository;
  limits: KnowledgeLimits;
  now?: () => Date;
}

const limitReached = (message: string) => new AppError(413, 'knowledge_limit_reached', message);

/** An admin's knowledge sources: add, list, sync and delete; the syncing itself runs on the job queue. */
export function knowledgeSources(deps: KnowledgeSourcesDeps) {
  const now = deps.now ?? (() => new Date());

  async function own(tenantId: string, id: string): Promise<SourceRecord> {
    const source = await deps.sources.findForTenant(tenantId, id);
    if (!source) throw notFound('Source');
    return source;
  }

  /** 413 when the organization has no room for another source, page or passage. */
  async function checkRoom(tenantId: string): Promise<void> {
    const totals = await deps.sources.totalsForTenant(tenantId);
    const { limits } = deps;
    if (totals.sources >= limits.sources) throw limitReached(`An organization may have at most ${limits.sources} sources`);
    if (totals.pages >= limits.pages) throw limitReached(`The organization's knowledge is limited to ${limits.pages} pages`);
    if (totals.chunks >= limits.chunks)
      throw limitReached(`The organization's knowledge is limited to ${limits.chunks} passages`);
  }

  async function queueSync(source: SourceRecord): Promise<void> {
    await deps.jobs.enqueue(
      {
        type: KNOWLEDGE_SYNC,
        key: syncJobKey(source.id),
        tenantId: source.tenantId,
        payload: { sourceId: source.id },
        everyMs: source.type === 'text' || source.type === 'file' ? null : RESYNC_EVERY_MS,
      },
      now(),
    );
  }

  async function add(source: NewSource, file?: { data: Buffer; mimeType: string }): Promise<Source> {
    let created = await deps.sources.create(source);
    if (file) {
      const parts = await deps.files.save(source.tenantId, created.id, file.data);
      created =
        (await deps.sources.update(source.tenantId, created.id, {
          file: { mimeType: file.mimeType, bytes: file.data.length, parts },
        })) ?? created;
    }
    await queueSync(created);
    return toSourceView(created);
  }

  /** Everything of a source: its job, chunks and file, then the record; answers stop using it at once. */
  async function remove(source: SourceRecord): Promise<void> {
    await deps.jobs.deleteByKey(syncJobKey(source.id));
    await deps.sources.delete(source.tenantId, source.id);
    await deps.chunks.deleteForSource(source.tenantId, source.id);
    if (source.file) await deps.files.delete(source.id, source.file.parts);
    await deps.versions.bump(source.tenantId, source.siteId, now());
  }

  return {
    async list(tenantId: string, siteId: string, query: { limit: number; cursor?: string }): Promise<Page<Source>> {
      await deps.sites.get(tenantId, siteId);
      const page = await deps.sources.listForSite(tenantId, siteId, query.limit, decodeCursor(query.cursor));
      return { items: page.items.map(toSourceView), nextCursor: page.nextCursor };
    },
    get: async (tenantId: string, id: string): Promise<Source> => toSourceView(await own(tenantId, id)),
    async create(tenantId: string, siteId: string, input: SourceCreate): Promise<Source> {
      await deps.sites.get(tenantId, siteId);
      await checkRoom(tenantId);
      const base = { tenantId, siteId, url: null, text: null, maxPages: null, file: null };
      if (input.type === 'text') return add({ ...base, type: 'text', title: input.title, text: input.text });
      const url = URL.parse(input.url)?.href;
      if (!url)
        throw invalidFields(400, 'invalid_request', [
          { in: 'body', path: 'url', code: 'invalid_url', message: 'must be an http:// or https:// URL' },
        ]);
      return add({
        ...base,
        type: input.type,
        title: input.type === 'website' ? new URL(url).host : url,
        url,
        maxPages: input.type === 'website' ? (input.maxPages ?? null) : null,
      });
    },
    /** 404 unless the site is the tenant's: checked before an upload is read. */
    checkSite: async (tenantId: string, siteId: string): Promise<void> => void (await deps.sites.get(tenantId, siteId)),
    /** A file upload: its type taken from the bytes (415 otherwise); extraction runs in the job. */
    async upload(tenantId: string, siteId: string, upload: UploadedFile, fields: SourceFileFields): Promise<Source> {
      await deps.sites.get(tenantId, siteId);
      const mimeType = await sniffKnowledgeFile(upload.buffer, upload.filename);
      if (!mimeType)
        throw new AppError(415, 'unsupported_file_type', 'Upload a PDF, Word (.docx), HTML, Markdown or plain text file');
      await checkRoom(tenantId);
      const title = fields.title ?? (upload.filename.replace(/[\\/]/g, '_').slice(0, 200) || 'Untitled document');
      return add(
        { tenantId, siteId, type: 'file', title, url: null, text: null, maxPages: null, file: null },
        { data: upload.buffer, mimeType },
      );
    },
    /** Syncs again now (a sync already running is that sync). */
    async sync(tenantId: string, id: string): Promise<Source> {
      const source = await own(tenantId, id);
      if (source.status === 'processing') return toSourceView(source);
      const queued = await deps.sources.update(tenantId, id, { status: 'queued', progress: { done: 0, total: 0 } });
      if (!(await deps.jobs.runNow(syncJobKey(id), now()))) await queueSync(source);
      return toSourceView(queued ?? source);
    },
    async delete(tenantId: string, id: string): Promise<void> {
      await remove(await own(tenantId, id));
    },
    /** A deleted site's sources, chunks, files and version. */
    async deleteForSite(tenantId: string, siteId: string): Promise<void> {
      for (let batch = await deps.sources.forSite(tenantId, siteId, 100); batch.length; ) {
        for (const source of batch) await remove(source);
        batch = await deps.sources.forSite(tenantId, siteId, 100);
      }
      await deps.versions.delete(siteId);
    },
  };
}
export type KnowledgeSources = ReturnType<typeof knowledgeSources>;
