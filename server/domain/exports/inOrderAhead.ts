/**
 * Each item of `source` with what `load` gives for it, in the source's order, with up to `depth` loads in flight: the
 * next items load while the consumer works on the first. A failed load is thrown when its turn comes (the ones after it
 * are dropped); stopping early leaves the loads in flight to finish unobserved.
 */
export async function* inOrderAhead<T, R>(
  source: AsyncIterable<T>,
  depth: number,
  load: (item: T) => Promise<R>,
): AsyncGenerator<[T, R]> {
  const items = source[Symbol.asyncIterator]();
  const queue: { item: T; result: Promise<R> }[] = [];
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < Math.max(1, depth)) {
        const next = await items.next();
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
      yield [head.item, await head.result];
    }
  } finally {
    await items.return?.();
  }
}
