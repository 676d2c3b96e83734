import type { FaqEntry } from '../../../contract/sites.js';
import type { Embedder } from '../embeddings/Embedder.js';
import type { Passage, RetrievedPassage } from './Passage.js';
import { type SiteIndex, siteIndex } from './siteIndex.js';

/** Where a site's stored knowledge comes from (the chunks collection and the site's knowledge version). */
export interface KnowledgeStore {
  /** The site's knowledge version, read by `_id`: it changes whenever the site's chunks change, on every instance. */
  versionOf(tenantId: string, siteId: string): Promise<string>;
  /** Every chunk of the site with its embedding; read only when the index is rebuilt. */
  passagesOf(tenantId: string, siteId: string): Promise<Passage[]>;
}

/** A store with no chunks: the site's FAQ alone. */
export const noStoredKnowledge: KnowledgeStore = {
  versionOf: async () => 'none',
  passagesOf: async () => [],
};

/** What retrieval needs of a site. */
export interface KnowledgeSite {
  id: string;
  tenantId: string;
  faq: FaqEntry[];
  /** Changes when the FAQ may have changed (ISO time). */
  updatedAt: string;
}

export interface RetrieverOptions {
  store: KnowledgeStore;
  /** With one (a Gemini key), questions are also matched by meaning. */
  embedder?: Embedder | null;
  /** The version stamp is the truth; the in-memory index is trusted for this long before the stamp is read again. */
  versionCheckMs?: number;
  /** How many sites' indexes one instance keeps (least recently used dropped first). */
  cacheSize?: number;
  /** A question's (or a changed FAQ's) embedding that takes longer is given up: keyword retrieval still answers. */
  queryEmbedTimeoutMs?: number;
  minSimilarity?: number;
  now?: () => number;
}

/** How many passages the model is given. */
export const PASSAGES_FOR_MODEL = 5;

export interface Retrieval {
  passages: RetrievedPassage[];
  /** The question was also matched by its embedding. */
  hybrid: boolean;
}

interface CachedIndex {
  version: string;
  faqKey: string;
  checkedAt: number;
  index: Promise<SiteIndex>;
  /** FAQ embeddings by text, reused when the site changes but its entries do not. */
  faqVectors: Map<string, ArrayLike<number>>;
}

/** The site's FAQ entries, read as passages of one text source (`faq`). */
export const faqPassages = (faq: FaqEntry[]): Passage[] =>
  faq.map((entry, n) => ({
    id: `faq:${n}`,
    sourceId: 'faq',
    title: entry.question,
    url: null,
    page: null,
    headingPath: [],
    text: entry.answer,
    embedding: null,
  }));

/**
 * The one retrieval home: per-site indexes kept in memory as a cache of the database, rebuilt when the site's knowledge
 * version (or its FAQ) changes. The version is read at most once per `versionCheckMs` per site, by `_id`, so the send
 * path never scans a collection; chunks are loaded only on a rebuild.
 */
export function retriever(options: RetrieverOptions) {
  const { store, embedder } = options;
  const versionCheckMs = options.versionCheckMs ?? 1000;
  const cacheSize = options.cacheSize ?? 200;
  const queryEmbedTimeoutMs = options.queryEmbedTimeoutMs ?? 1500;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CachedIndex>();

  async function build(site: KnowledgeSite, cached: CachedIndex | undefined, faqVectors: Map<string, ArrayLike<number>>) {
    const [stored, faq] = [await store.passagesOf(site.tenantId, site.id), faqPassages(site.faq)];
    if (embedder) {
      for (const passage of faq) passage.embedding = cached?.faqVectors.get(passage.title + passage.text) ?? null;
      const missing = faq.filter((passage) => !passage.embedding);
      try {
        const vectors = missing.length ? await embedder.embedDocuments(missing, AbortSignal.timeout(queryEmbedTimeoutMs)) : [];
        for (const [i, passage] of missing.entries()) passage.embedding = vectors[i] ?? null;
      } catch {
        // The FAQ stays findable by keywords; the next rebuild tries again.
      }
      for (const passage of faq) if (passage.embedding) faqVectors.set(passage.title + passage.text, passage.embedding);
    }
    return siteIndex([...faq, ...stored], options.minSimilarity);
  }

  async function indexFor(site: KnowledgeSite): Promise<SiteIndex> {
    const cacheKey = `${site.tenantId}:${site.id}`;
    let entry = cache.get(cacheKey);
    const faqKey = site.updatedAt;
    if (!entry || entry.faqKey !== faqKey || now() - entry.checkedAt >= versionCheckMs) {
      const version = await store.versionOf(site.tenantId, site.id);
      if (entry && entry.version === version && entry.faqKey === faqKey) entry.checkedAt = now();
      else {
        const previous = entry;
        const faqVectors = new Map<string, ArrayLike<number>>();
        const fresh: CachedIndex = { version, faqKey, checkedAt: now(), faqVectors, index: build(site, previous, faqVectors) };
        // A failed build is not kept: the next question tries again.
        fresh.index.catch(() => cache.get(cacheKey) === fresh && cache.delete(cacheKey));
        entry = fresh;
      }
    }
    // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
    cache.delete(cacheKey);
    cache.set(cacheKey, entry);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return entry.index;
  }

  async function queryVector(index: SiteIndex, question: string): Promise<number[] | null> {
    if (!embedder || index.embedded === 0) return null;
    try {
      return await embedder.embedQuery(question, AbortSignal.timeout(queryEmbedTimeoutMs));
    } catch {
      // Embeddings unavailable (quota, outage, timeout): keyword retrieval alone still answers.
      return null;
    }
  }

  return {
    /** The passages the model is given for `question`: those that pass the match rule, best first. */
    async retrieve(site: KnowledgeSite, question: string, limit = PASSAGES_FOR_MODEL): Promise<Retrieval> {
      if (!question.trim()) return { passages: [], hybrid: false };
      const index = await indexFor(site);
      const vector = await queryVector(index, question);
      const found = index.search(question, { limit: limit * 4, queryVector: vector });
      return { passages: found.filter((item) => item.matches).slice(0, limit), hybrid: vector !== null };
    },
  };
}
export type Retriever = ReturnType<typeof retriever>;
