import { z } from 'zod';
import { trimmedText } from './common.js';

/** `POST /v1/admin/sites/:siteId/knowledge/search`: what retrieval would give the model for a question. */
export const KnowledgeSearch = z.strictObject({ q: trimmedText(1000, { nonBlank: true }) });
export type KnowledgeSearch = z.input<typeof KnowledgeSearch>;

export const KnowledgeSearchHit = z.object({
  /** `[n]` as the model sees it. */
  number: z.number().int(),
  sourceId: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  page: z.number().int().nullable(),
  headingPath: z.array(z.string()),
  text: z.string(),
  /** 0..1: the share of the question's meaningful words matched, or the cosine similarity when higher. */
  score: z.number(),
  /** BM25 score of the keyword index; null when found by meaning only. */
  keywordScore: z.number().nullable(),
  /** Cosine similarity of the embeddings; null without embeddings. */
  similarity: z.number().nullable(),
});
export type KnowledgeSearchHit = z.infer<typeof KnowledgeSearchHit>;

export const KnowledgeSearchResult = z.object({
  items: z.array(KnowledgeSearchHit),
  /** `hybrid` when the question was also matched by embeddings. */
  mode: z.enum(['keyword', 'hybrid']),
});
export type KnowledgeSearchResult = z.infer<typeof KnowledgeSearchResult>;
