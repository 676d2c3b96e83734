import { keywordIndex } from './keywordIndex.js';
import type { Passage, RetrievedPassage } from './Passage.js';
import { vectorIndex } from './vectorIndex.js';

/** A keyword match must cover half the question's meaningful words and score above noise (a lone fuzzy hit). */
export const MIN_COVERAGE = 0.5;
const MIN_KEYWORD_SCORE = 1.5;
/** BM25 scores shrink with the number of passages (IDF): the score floor only means something past a few. */
const MIN_PASSAGES_FOR_SCORE = 5;
/** Cosine similarity from which a passage matches by meaning alone (gemini-embedding-001: unrelated text is lower). */
export const MIN_SIMILARITY = 0.65;
/** Reciprocal rank fusion's constant (Cormack et al.): ranks, not raw scores, are fused. */
const RRF_K = 60;
/** How many candidates each ranking contributes to the fusion. */
const CANDIDATES = 50;

export interface SearchOptions {
  /** How many passages to return. */
  limit: number;
  /** The question's `RETRIEVAL_QUERY` embedding, for hybrid retrieval. */
  queryVector?: number[] | null;
}

/**
 * One site's passages, indexed in memory: BM25 always, cosine over embeddings when the passages have them, the two
 * rankings fused by reciprocal rank. Immutable: a change of the site's knowledge builds a new one.
 */
export function siteIndex(passages: Passage[], minSimilarity = MIN_SIMILARITY) {
  const keywords = keywordIndex(passages);
  const vectors = vectorIndex(passages.map((passage) => passage.embedding));
  const minKeywordScore = passages.length >= MIN_PASSAGES_FOR_SCORE ? MIN_KEYWORD_SCORE : 0;

  return {
    passages,
    /** How many passages have an embedding (0: keyword retrieval only). */
    embedded: vectors.size,
    /** The best passages for `query`, best first, each saying whether it passes the match rule. */
    search(query: string, options: SearchOptions): RetrievedPassage[] {
      const found = new Map<number, RetrievedPassage & { fused: number }>();
      const entry = (position: number) => {
        let item = found.get(position);
        if (!item) {
          item = {
            passage: passages[position] as Passage,
            score: 0,
            keywordScore: null,
            similarity: null,
            matches: false,
            fused: 0,
          };
          found.set(position, item);
        }
        return item;
      };
      for (const [rank, hit] of keywords.find(query, CANDIDATES).entries()) {
        const item = entry(hit.position);
        item.keywordScore = hit.score;
        item.score = Math.max(item.score, hit.coverage);
        item.matches ||= hit.coverage >= MIN_COVERAGE && hit.score >= minKeywordScore;
        item.fused += 1 / (RRF_K + rank + 1);
      }
      if (options.queryVector && vectors.size > 0) {
        for (const [rank, hit] of vectors.nearest(options.queryVector, CANDIDATES).entries()) {
          const item = entry(hit.position);
          item.similarity = hit.similarity;
          item.score = Math.max(item.score, hit.similarity);
          item.matches ||= hit.similarity >= minSimilarity;
          item.fused += 1 / (RRF_K + rank + 1);
        }
      }
      return [...found.values()]
        .sort((a, b) => b.fused - a.fused)
        .slice(0, options.limit)
        .map(({ fused: _, ...item }) => item);
    },
  };
}
export type SiteIndex = ReturnType<typeof siteIndex>;
