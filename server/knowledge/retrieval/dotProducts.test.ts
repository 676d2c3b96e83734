import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/seededRandom.js';
import { type DotKernel, defaultKernel, dotProducts } from './dotProducts.js';

describe('dotProducts', () => {
  it('runs the WebAssembly SIMD kernel on this runtime', () => {
    expect(defaultKernel()).toBe('simd');
  });

  for (const kernel of ['simd', 'scalar'] as DotKernel[])
    it(`${kernel}: scores every row as a float64 dot product would, for any number of dimensions`, () => {
      const next = seededRandom(7);
      const random = () => next() - 0.5;
      for (const [rows, dimensions] of [
        [1, 1],
        [3, 15],
        [17, 16],
        [40, 100],
        [257, 768],
      ] as const) {
        const dots = dotProducts(rows, dimensions, kernel);
        expect(dots.width % 16).toBe(0);
        expect(dots.width).toBeGreaterThanOrEqual(dimensions);
        const query = Array.from({ length: dimensions }, random);
        const matrix = Array.from({ length: rows }, () => Array.from({ length: dimensions }, random));
        dots.query.set(query);
        for (const [row, vector] of matrix.entries()) dots.matrix.set(vector, row * dots.width);
        dots.run();
        for (const [row, vector] of matrix.entries()) {
          const exact = vector.reduce((sum, value, i) => sum + value * Math.fround(query[i] as number), 0);
          expect(Math.abs((dots.scores[row] as number) - exact)).toBeLessThan(1e-5 * Math.max(1, Math.sqrt(dimensions)));
        }
      }
    });

  it('does nothing for no rows', () => {
    const dots = dotProducts(0, 768);
    dots.run();
    expect(dots.scores).toHaveLength(0);
  });
});
