import { abortable } from '../../lib/abortable.js';

/**
 * Each item of `source` with what `load` gives for it, in the source's order, with up to `depth` loads in flight: the
 * next items load while the consumer works on the first. A failed load is thrown when its turn comes (the ones after it
 * are dropped). Once `signal` aborts no load starts and none is awaited: the iteration ends with the signal's reason
 * at once, the loads in flight finishing unobserved; stopping early leaves them the same way.
 */
export async function* inOrderAhead<T, R>(
  source: AsyncIterable<T>,
  depth: number,
  load: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<[T, R]> {
  const items = source[Symbol.asyncIterator]();
  const queue: { item: T; result: Promise<R> }[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < Math.max(1, depth)) {
        const next = await abortable(items.next(), signal);
        signal?.throwIfAborted();
        if (next.done) exhausted = true;
        else {
          const result = load(next.value);
          // Awaited in its turn; a failure while an earlier one is awaited must not count as unhandled.
          result.catch(() => {});
          queue.push({ item: next.value, result });
        }
      }
      const head = queue.shift();
      if (!head) return;
      yield [head.item, await abortable(head.result, signal)];
    }
  } finally {
    // The source is not awaited once aborted: it may be waiting for a read of its own.
    if (signal?.aborted) items.return?.().catch(() => {});
    else await items.return?.();
  }
}
