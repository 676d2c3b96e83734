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

  it('stays exact where the 8-bit pass cannot tell rows apart: near-ties and duplicates around the best', () => {
    const next = seededRandom(21);
    const base = Array.from({ length: 768 }, () => next() - 0.5);
    // 400 slight variations of one vector (differences far below an 8-bit step), duplicates among them, and noise.
    const embeddings = Array.from({ length: 2000 }, (_, n) =>
      n < 400
        ? base.map((x, i) => x + (i === n % 768 ? 1e-4 * (n % 7) : 0) + (n % 50 === 0 ? 0 : 1e-5 * (next() - 0.5)))
        : Array.from({ length: 768 }, () => next() - 0.5),
    );
    const query = base.map((x) => x + 1e-3 * (next() - 0.5));
    for (const kernel of ['simd', 'scalar'] as DotKernel[]) {
      const found = vectorIndex(embeddings, kernel).nearest(query, 50);
      const expected = bruteForce(embeddings, query, 50);
      // Equal in float64 may differ in the last float32 bit: compare similarities, and positions where they differ.
      for (const [n, hit] of found.entries()) expect(hit.similarity).toBeCloseTo(expected[n]?.similarity as number, 6);
      expect(new Set(found.map((hit) => hit.position)).size).toBe(50);
      expect(found.every((hit) => hit.position < 400)).toBe(true);
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
