import { termsOf } from '../knowledge/retrieval/terms.js';

/** FNV-1a: a stable hash of a term to a dimension. */
function hash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A deterministic stand-in for a Gemini embedding: a hashed bag of the text's meaningful words (not normalised, like
 * Gemini's vectors under 3,072 dimensions). A question shares direction with the passages that share its words, so
 * tests and the benchmark check the hybrid plumbing; they say nothing of real embeddings' quality.
 */
export function fakeEmbedding(text: string, dimensions = 768): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const term of termsOf(text)) {
    const h = hash(term);
    vector[h % dimensions] = (vector[h % dimensions] as number) + ((h >>> 16) & 1 ? 1 : -1);
  }
  return vector;
}
