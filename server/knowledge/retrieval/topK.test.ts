import { describe, expect, it } from 'vitest';
import { topK } from './topK.js';

describe('topK', () => {
  it('keeps the best k, higher scores first and of equal scores the lower item, whatever the order offered', () => {
    const best = topK();
    best.reset(3);
    expect(best.threshold).toBe(Number.NEGATIVE_INFINITY);
    for (const [item, score] of [
      [5, 1],
      [9, 3],
      [2, 3],
      [7, 0.5],
      [1, 1],
      [4, 2],
    ] as const)
      best.offer(item, score);
    expect(Array.from({ length: best.size }, (_, n) => [best.item(n), best.score(n)])).toEqual([
      [2, 3],
      [9, 3],
      [4, 2],
    ]);
    expect(best.threshold).toBe(2);
  });

  it('starts afresh on reset, growing when asked for more, and keeps nothing for k = 0', () => {
    const best = topK();
    best.reset(1);
    best.offer(1, 10);
    best.reset(4);
    expect(best.size).toBe(0);
    for (let item = 0; item < 6; item++) best.offer(item, item);
    expect(Array.from({ length: best.size }, (_, n) => best.item(n))).toEqual([5, 4, 3, 2]);
    best.reset(0);
    best.offer(1, 1);
    expect(best.size).toBe(0);
  });
});
