import type { PageFailure, SourceError } from '../../../contract/knowledge.js';
import type { KnowledgeFileType } from '../../../contract/limits.js';
import type { KnowledgeChunkRepository, NewChunk } from '../../data/knowledgeChunkRepository.js';
import type { KnowledgeFileRepository } from '../../data/knowledgeFileRepository.js';
import type { KnowledgeSourceRepository, SourceRecord } from '../../data/knowledgeSourceRepository.js';
import type { KnowledgeVersionRepository } from '../../data/knowledgeVersionRepository.js';
import { chunkText, hashText } from '../../knowledge/chunkText.js';
import type { ExtractedDocument } from '../../knowledge/document.js';
import type { Embedder } from '../../knowledge/embeddings/Embedder.js';
import { fileToDocuments } from '../../knowledge/extract/fileToDocuments.js';
import { AppError } from '../../lib/AppError.js';
import type { Logger } from '../../lib/logger.js';
import type { JobHandler } from '../jobs/jobWorker.js';
import { type EmitWebhook, webhookData } from '../webhooks/webhookEvents.js';
import { chunkVectors, DEFAULT_EMBED_RETRY, EMBED_BATCH, type EmbedRetry } from './chunkVectors.js';
import { servedChunks } from './servedChunks.js';
import type { FetchedPage, FetchSourcePages } from './sourcePages.js';

export const KNOWLEDGE_SYNC = 'knowledge.sync';
export const syncJobKey = (sourceId: string) => `${KNOWLEDGE_SYNC}:${sourceId}`;

/** Page failures kept on the source for the admin to read (all are counted). */
const KEPT_FAILURES = 20;
/** Progress is written at most this often (and at the end). */
const PROGRESS_EVERY_MS = 500;

export interface KnowledgeLimits {
  sources: number;
  pages: number;
  chunks: number;
}

export interface IngestionDeps {
  sources: KnowledgeSourceRepository;
  chunks: KnowledgeChunkRepository;
  versions: KnowledgeVersionRepository;
  files: KnowledgeFileRepository;
  limits: KnowledgeLimits;
  /** Web fetching (url, website, sitemap sources); without it those sources fail with `web_fetch_unavailable`. */
  fetchPages?: FetchSourcePages;
  /** Gives chunks their vectors as they are written (with a Gemini key); none: keyword retrieval only. */
  embedder?: Embedder | null;
  embedRetry?: EmbedRetry;
  log: Logger;
  /** `source.failed` when a sync ends failed. */
  emit?: EmitWebhook;
  now?: () => Date;
}

/** A sync ends this way when the source itself cannot be read: the source fails with it, and the job is not retried. */
class SourceFailure extends Error {
  constructor(readonly failure: SourceError) {
    super(failure.message);
  }
}

const stopped = () => Object.assign(new Error('Knowledge sync stopped'), { name: 'AbortError' });

/** The key a page's content hash is kept under: its URL, its page number, or the source's only document. */
const pageKey = (doc: Pick<ExtractedDocument, 'url' | 'page'>) => doc.url ?? (doc.page !== null ? `page:${doc.page}` : 'doc');

/**
 * The job that (re)builds a source's chunks. It writes a new generation beside the served one, then swaps it in and
 * bumps the site's knowledge version: answers never see a half-built source. A page whose content hash is unchanged
 * since the served generation keeps its chunks (copied, embeddings included) instead of being chunked again. A source
 * that cannot be read fails with a reason and keeps serving its previous chunks, if any.
 */
export function knowledgeIngestion(deps: IngestionDeps) {
  const now = deps.now ?? (() => new Date());

  async function* documentsOf(source: SourceRecord, signal: AbortSignal, pageBudget: number): AsyncIterable<FetchedPage> {
    if (source.type === 'text') {
      yield { url: '', document: { title: source.title, url: null, page: null, text: source.text ?? '' } };
      return;
    }
    if (source.type === 'file') {
      const file = source.file;
      const data = file ? await deps.files.read(source.tenantId, source.id, file.parts) : null;
      if (!file || !data) throw new SourceFailure({ code: 'file_missing', message: 'The uploaded file is no longer stored' });
      let documents: ExtractedDocument[];
      try {
        documents = await fileToDocuments(data, file.mimeType as KnowledgeFileType, source.title);
      } catch (error) {
        if (error instanceof AppError) throw new SourceFailure({ code: error.code, message: error.message });
        throw error;
      }
      for (const document of documents) yield { url: '', document };
      return;
    }
    if (!deps.fetchPages || !source.url)
      throw new SourceFailure({ code: 'web_fetch_unavailable', message: 'Web pages cannot be fetched by this server' });
    const maxPages = Math.min(pageBudget, source.type === 'website' ? (source.maxPages ?? pageBudget) : pageBudget);
    try {
      yield* deps.fetchPages({ type: source.type, url: source.url, maxPages }, { signal });
    } catch (error) {
      if (error instanceof AppError) throw new SourceFailure({ code: error.code, message: error.message });
      throw error;
    }
  }

  async function sync(source: SourceRecord, signal: AbortSignal, progress: (p: Record<string, unknown>) => Promise<void>) {
    const { tenantId, siteId, id: sourceId } = source;
    const check = () => {
      if (signal.aborted) throw stopped();
    };
    // A previous attempt's unfinished generation goes first: this attempt writes it again from the start.
    await deps.chunks.deleteOtherGenerations(tenantId, sourceId, source.generation);
    const generation = source.generation + 1;
    const totals = await deps.sources.totalsForTenant(tenantId);
    const pageBudget = Math.max(0, deps.limits.pages - (totals.pages - source.pages));
    const chunkBudget = Math.max(0, deps.limits.chunks - (totals.chunks - source.chunks));

    const previousHashes = new Map(source.pageHashes.map((p) => [p.key, p.hash]));
    const previous = source.generation > 0 ? await deps.chunks.forGeneration(tenantId, sourceId, source.generation) : [];
    // Passages the site already serves from its other sources are not stored twice.
    const seen = new Set((await servedChunks(deps, tenantId, siteId)).filter((c) => c.sourceId !== sourceId).map((c) => c.hash));
    const vectors = chunkVectors({
      embedder: deps.embedder,
      reuse: new Map(
        previous.flatMap((c) =>
          c.embedding && c.embeddingModel === deps.embedder?.model ? [[c.hash, c.embedding] as const] : [],
        ),
      ),
      retry: deps.embedRetry ?? DEFAULT_EMBED_RETRY,
      signal,
      log: deps.log,
    });
    // Chunks wait here until a batch's worth needs embedding, then are embedded and inserted together.
    const pending: NewChunk[] = [];
    const flush = async () => {
      await vectors.fill(pending);
      check();
      await deps.chunks.insertMany(pending.splice(0));
    };

    const pageHashes: { key: string; hash: string }[] = [];
    const failures: PageFailure[] = [];
    let failedPages = 0;
    let pages = 0;
    let position = 0;
    let lastProgress = 0;
    const state = { done: 0, total: source.type === 'website' ? (source.maxPages ?? pageBudget) : 0 };
    const report = async (force = false) => {
      if (!force && Date.now() - lastProgress < PROGRESS_EVERY_MS) return;
      lastProgress = Date.now();
      state.total = Math.max(state.total, state.done);
      await deps.sources.update(tenantId, sourceId, { progress: { ...state }, failedPages, failures });
      await progress({ ...state, failedPages });
    };

    for await (const page of documentsOf(source, signal, pageBudget)) {
      check();
      state.done++;
      if ('error' in page) {
        failedPages++;
        if (failures.length < KEPT_FAILURES) failures.push({ url: page.url || null, page: null, ...page.error });
        await report();
        continue;
      }
      const document = page.document;
      if (!document.text.trim()) {
        await report();
        continue;
      }
      if (pages >= pageBudget)
        throw new SourceFailure({
          code: 'knowledge_limit_reached',
          message: `The organization's knowledge is limited to ${deps.limits.pages} pages`,
        });
      const key = pageKey(document);
      const hash = hashText(`${document.title}\n${document.text}`);
      const unchanged = previousHashes.get(key) === hash;
      const pageChunks: NewChunk[] = [];
      if (unchanged) {
        for (const { id: _id, createdAt: _at, ...old } of previous.filter((c) => pageKey(c) === key))
          pageChunks.push({ ...old, generation, position: position++ });
      } else {
        for (const chunk of chunkText(document)) {
          if (seen.has(chunk.hash)) continue;
          seen.add(chunk.hash);
          pageChunks.push({
            ...chunk,
            tenantId,
            siteId,
            sourceId,
            generation,
            position: position++,
            embedding: null,
            embeddingModel: null,
          });
        }
      }
      if (position > chunkBudget)
        throw new SourceFailure({
          code: 'knowledge_limit_reached',
          message: `The organization's knowledge is limited to ${deps.limits.chunks} passages`,
        });
      pending.push(...pageChunks);
      if (pending.filter(vectors.needsEmbedding).length >= EMBED_BATCH || pending.length >= 4 * EMBED_BATCH) await flush();
      pageHashes.push({ key, hash });
      pages++;
      await report();
    }
    await flush();
    await report(true);

    if (position === 0) {
      const reason = failures[0];
      throw new SourceFailure(
        reason
          ? { code: reason.code, message: `No page could be read: ${reason.message}` }
          : { code: 'empty_source', message: 'No text was found in this source' },
      );
    }
    check();

    // The swap: the source now serves the new generation; the old one goes; every instance sees the new version.
    const swapped = await deps.sources.update(tenantId, sourceId, {
      generation,
      status: 'ready',
      error: null,
      warning: vectors.warning(),
      pages,
      chunks: position,
      pageHashes,
      failedPages,
      failures,
      progress: { ...state },
      lastSyncedAt: now(),
    });
    if (!swapped) {
      // Deleted while it synced: nothing of it may stay.
      await deps.chunks.deleteForSource(tenantId, sourceId);
      return;
    }
    await deps.chunks.deleteOtherGenerations(tenantId, sourceId, generation);
    await deps.versions.bump(tenantId, siteId, now());
  }

  const handler: JobHandler = async ({ job, signal, progress }) => {
    const tenantId = job.tenantId as string;
    const source = await deps.sources.findForTenant(tenantId, String(job.payload.sourceId));
    if (!source) return; // deleted: its job has nothing left to do
    await deps.sources.update(tenantId, source.id, { status: 'processing', error: null, progress: { done: 0, total: 0 } });
    try {
      await sync(source, signal, progress);
    } catch (error) {
      if (!(error instanceof SourceFailure)) throw error; // retried by the queue; the served chunks stay
      await deps.chunks.deleteOtherGenerations(tenantId, source.id, source.generation);
      await deps.sources.update(tenantId, source.id, { status: 'failed', error: error.failure });
      deps.log.info({ source: source.id, code: error.failure.code }, 'Knowledge source failed');
      await deps.emit?.(tenantId, 'source.failed', () => webhookData.sourceFailed(source, error.failure));
    }
  };

  return { handler };
}
export type KnowledgeIngestion = ReturnType<typeof knowledgeIngestion>;
