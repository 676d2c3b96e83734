import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seededRandom.js';
import type { DotKernel } from './dotProducts.js';
import { vectorIndex } from './vectorIndex.js';

/** The reference: every cosine in float64, sorted (equal similarities: the earlier position first). */
function bruteForce(embeddings: (number[] | null)[], query: number[], limit: number) {
  const length = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  return embeddings
    .flatMap((v, position) =>
      v && v.length === query.length
        ? [{ position, similarity: v.reduce((sum, x, i) => sum + x * (query[i] as number), 0) / (length(v) * length(query)) }]
        : [],
    )
    .sort((a, b) => b.similarity - a.similarity || a.position - b.position)
    .slice(0, limit);
}

describe('vectorIndex', () => {
  for (const kernel of ['simd', 'scalar'] as DotKernel[])
    it(`${kernel}: its top k is exactly a brute-force scan's, on random vectors`, () => {
      const next = seededRandom(15);
      const random = () => next() - 0.5;
      for (const [rows, dimensions] of [
        [3000, 768],
        [500, 100],
        [64, 3],
      ] as const) {
        // Unnormalised, as Gemini's vectors under 3,072 dimensions are; a few missing, as for passages without one.
        const embeddings = Array.from({ length: rows }, (_, n) =>
          n % 97 === 5 ? null : Array.from({ length: dimensions }, () => random() * (1 + (n % 5))),
        );
        const index = vectorIndex(embeddings, kernel);
        expect(index.size).toBe(embeddings.filter(Boolean).length);
        for (let question = 0; question < 10; question++) {
          const query = Array.from({ length: dimensions }, random);
          const ranked = bruteForce(embeddings, query, 50);
          for (const limit of [1, 5, 50]) {
            const found = index.nearest(query, limit);
            const expected = ranked.slice(0, limit);
            expect(found.map((hit) => hit.position)).toEqual(expected.map((hit) => hit.position));
            for (const [n, hit] of found.entries()) expect(hit.similarity).toBeCloseTo(expected[n]?.similarity as number, 5);
          }
        }
      }
    });

  it('returns every vector when asked for more than it holds, best first, the earlier of equals first', () => {
    const index = vectorIndex([[1, 0], [0, 1], null, [2, 0], [1, 1]]);
    expect(index.nearest([1, 0], 10).map((hit) => hit.position)).toEqual([0, 3, 4, 1]);
    expect(index.nearest([1, 0], 10)[3]?.similarity).toBe(0);
  });

  it('leaves out vectors of another size and answers nothing for a query of another size, no limit or no vectors', () => {
    const index = vectorIndex([[1, 0, 0], [1, 0], null, [0, 0, 1]]);
    expect(index.size).toBe(2);
    expect(index.nearest([0, 0, 1], 5).map((hit) => hit.position)).toEqual([3, 0]);
    expect(index.nearest([1, 0], 5)).toEqual([]);
    expect(index.nearest([0, 0, 1], 0)).toEqual([]);
    expect(vectorIndex([null, null]).nearest([1], 5)).toEqual([]);
  });

  it('answers each question from a clean state (no score carried over from the previous one)', () => {
    const index = vectorIndex([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(index.nearest([0, 0, 1], 1)[0]?.position).toBe(2);
    expect(index.nearest([1, 0, 0], 1)[0]?.position).toBe(0);
    expect(index.nearest([0, 1, 0], 2).map((hit) => hit.position)).toEqual([1, 0]);
  });
});
