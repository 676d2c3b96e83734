import { describe, expect, it, vi } from 'vitest';
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

  it('scores the 8-bit copy against the 16-bit query exactly, without overflow at the largest values', () => {
    const next = seededRandom(9);
    for (const [rows, dimensions] of [
      [1, 16],
      [33, 100],
      [300, 768],
      [4, 3072],
    ] as const) {
      const dots = dotProducts(rows, dimensions, 'simd');
      const quantized = dots.quantized;
      if (!quantized) throw new Error('no 8-bit kernel with SIMD');
      const limit = quantized.queryLimit;
      // Random values, then the extremes: every product at its largest, of either sign.
      for (let i = 0; i < dimensions; i++) quantized.query[i] = Math.round((next() * 2 - 1) * limit);
      for (let i = 0; i < rows * dots.width; i++) quantized.matrix[i] = Math.round((next() * 2 - 1) * 127);
      quantized.query.fill(limit, 0, dimensions);
      quantized.matrix.fill(127, 0, dots.width);
      if (rows > 1) quantized.matrix.fill(-127, dots.width, 2 * dots.width);
      quantized.run();
      for (let row = 0; row < rows; row++) {
        let exact = 0;
        for (let i = 0; i < dots.width; i++)
          exact += (quantized.query[i] as number) * (quantized.matrix[row * dots.width + i] as number);
        expect(quantized.scores[row]).toBe(exact);
      }
    }
    expect(dotProducts(2, 8, 'scalar').quantized).toBeNull();
  });

  it('scores one row alone as the whole run does', () => {
    for (const kernel of ['simd', 'scalar'] as DotKernel[]) {
      const next = seededRandom(3);
      const dots = dotProducts(5, 40, kernel);
      for (let i = 0; i < 40; i++) dots.query[i] = next();
      for (let i = 0; i < 5 * dots.width; i++) dots.matrix[i] = next();
      dots.run();
      const all = [...dots.scores];
      dots.scores.fill(0);
      expect([0, 1, 2, 3, 4].map((row) => dots.runRow(row))).toEqual(all);
    }
  });

  it('falls back to the scalar loop when the runtime refuses WebAssembly memory', () => {
    const runtime = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number }) => object } })
      .WebAssembly;
    const refuse = vi.spyOn(runtime, 'Memory').mockImplementation(() => {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    });
    try {
      const dots = dotProducts(2, 3);
      expect(dots.quantized).toBeNull();
      dots.query.set([1, 2, 3]);
      dots.matrix.set([1, 0, 0], 0);
      dots.matrix.set([0, 1, 1], dots.width);
      dots.run();
      expect([...dots.scores]).toEqual([1, 5]);
    } finally {
      refuse.mockRestore();
    }
  });

  it('does nothing for no rows', () => {
    const dots = dotProducts(0, 768);
    dots.run();
    expect(dots.scores).toHaveLength(0);
  });
});
