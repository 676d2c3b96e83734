/**
 * The best `k` of a stream of (item, score), kept sorted by insertion into two typed arrays: the higher score first,
 * and of equal scores the lower item (the earlier passage). One per index, reset for each question, so a search
 * allocates nothing here once its arrays have grown.
 */
export function topK() {
  let items = new Int32Array(0);
  let scores = new Float64Array(0);
  let k = 0;
  let size = 0;
  return {
    reset(capacity: number) {
      if (items.length < capacity) {
        items = new Int32Array(capacity);
        scores = new Float64Array(capacity);
      }
      k = capacity;
      size = 0;
    },
    get size() {
      return size;
    },
    /** The score an item must reach to enter (−∞ until `k` are kept). */
    get threshold() {
      return size < k ? Number.NEGATIVE_INFINITY : (scores[k - 1] as number);
    },
    offer(item: number, score: number) {
      if (k === 0) return;
      if (size === k) {
        const last = scores[k - 1] as number;
        if (score < last || (score === last && item > (items[k - 1] as number))) return;
      }
      let at = size < k ? size++ : k - 1;
      for (; at > 0; at--) {
        const above = scores[at - 1] as number;
        if (above > score || (above === score && (items[at - 1] as number) < item)) break;
        scores[at] = above;
        items[at] = items[at - 1] as number;
      }
      scores[at] = score;
      items[at] = item;
    },
    item: (n: number) => items[n] as number,
    score: (n: number) => scores[n] as number,
  };
}
export type TopK = ReturnType<typeof topK>;
