import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceError } from '../../../contract/knowledge.js';
import type { NewChunk } from '../../data/knowledgeChunkRepository.js';
import { type Embedder, EmbeddingError } from '../../knowledge/embeddings/Embedder.js';
import type { Logger } from '../../lib/logger.js';
import { backoffDelay } from '../jobs/jobWorker.js';

/** How a sync retries a batch the embeddings API refused for a while (429, 5xx, unreachable). */
export interface EmbedRetry {
  attempts: number;
  /** The first wait, doubling each attempt up to `maxMs` (or what the API asked for, within `maxMs`). */
  baseMs: number;
  maxMs: number;
}

/** Six attempts over about a minute: the job's lease is renewed meanwhile, so the wait stays inside it. */
export const DEFAULT_EMBED_RETRY: EmbedRetry = { attempts: 6, baseMs: 2000, maxMs: 30_000 };

/** The Gemini API takes at most 100 texts per `batchEmbedContents` request. */
export const EMBED_BATCH = 100;

export interface ChunkVectorsOptions {
  embedder: Embedder | null | undefined;
  /** Vectors of the served generation by chunk hash (same model): a passage that did not change is not embedded again. */
  reuse: ReadonlyMap<string, Float32Array>;
  retry: EmbedRetry;
  signal: AbortSignal;
  log: Logger;
}

/**
 * Gives a sync's chunks their `RETRIEVAL_DOCUMENT` vectors before they are written (an insert, never an update: the
 * embedded database reads the whole collection for every update). A chunk keeps a vector of the same model, takes one
 * of the served generation with the same hash, or is embedded in batches of 100. When the API keeps refusing, the
 * sync goes on without vectors: the source is served by keywords (as retrieval does when a question cannot be
 * embedded) with a warning, and its next sync embeds what is missing. Failing the source instead would take a whole
 * site's knowledge away for a quota that resets within the day.
 */
export function chunkVectors(options: ChunkVectorsOptions) {
  const { embedder, reuse, retry, signal, log } = options;
  let warning: SourceError | null = null;

  const hasVector = (chunk: NewChunk) => chunk.embedding !== null && chunk.embeddingModel === embedder?.model;

  async function embedBatch(batch: NewChunk[], model: Embedder): Promise<number[][]> {
    const passages = batch.map((chunk) => ({ title: chunk.headingPath.join(' > ') || chunk.title, text: chunk.text }));
    for (let attempt = 1; ; attempt++) {
      try {
        return await model.embedDocuments(passages, signal);
      } catch (error) {
        if (!(error instanceof EmbeddingError) || !error.retryable || attempt >= retry.attempts) throw error;
        const wait = Math.min(retry.maxMs, error.retryAfterMs ?? backoffDelay(attempt, retry.baseMs, retry.maxMs));
        log.warn({ status: error.status, attempt, waitMs: wait }, 'Knowledge embeddings refused; retrying');
        await sleep(wait, undefined, { signal });
      }
    }
  }

  return {
    /** Whether `fill` would ask the API for this chunk's vector (the ingestion batches by this count). */
    needsEmbedding: (chunk: NewChunk) => Boolean(embedder) && !warning && !hasVector(chunk) && !reuse.has(chunk.hash),

    /** Sets the vectors of `chunks` in place (kept, reused or embedded); leaves them null once embedding failed. */
    async fill(chunks: NewChunk[]): Promise<void> {
      if (!embedder) return;
      const missing: NewChunk[] = [];
      for (const chunk of chunks) {
        if (hasVector(chunk)) continue;
        const kept = reuse.get(chunk.hash);
        Object.assign(chunk, { embedding: kept ?? null, embeddingModel: kept ? embedder.model : null });
        if (!kept) missing.push(chunk);
      }
      for (let i = 0; i < missing.length && !warning; i += EMBED_BATCH) {
        const batch = missing.slice(i, i + EMBED_BATCH);
        try {
          const vectors = await embedBatch(batch, embedder);
          for (const [n, chunk] of batch.entries()) {
            chunk.embedding = Float32Array.from(vectors[n] as number[]);
            chunk.embeddingModel = embedder.model;
          }
        } catch (error) {
          if (signal.aborted || !(error instanceof EmbeddingError)) throw error;
          const reason = error.status === 429 ? 'rate limited' : error.status ? `error ${error.status}` : 'unreachable';
          warning = {
            code: 'embeddings_unavailable',
            message: `Gemini embeddings failed (${reason}): this source is searched by keywords only until its next sync`,
          };
          log.warn({ status: error.status }, 'Knowledge embeddings unavailable; the source is served by keywords');
        }
      }
    },

    /** Why some chunks were left without vectors, or null. */
    warning: () => warning,
  };
}
