/**
 * `promise`, or the signal's reason as soon as it aborts: for work that cannot be cancelled (a DNS lookup, a database
 * query in flight), so the caller stops waiting for it. The promise's own failure, later, is then nobody's to handle.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      promise.catch(() => {});
      return onAbort();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
