export interface LiveEvent {
  id: string | null;
  event: string;
  data: unknown;
}

/**
 * Reads a live event stream as a client would (fetch streaming, like the widget and the dashboard): `events` grows as
 * they arrive; `waitFor(n)` resolves with the first `n`; `close()` drops the connection.
 */
export async function openLiveStream(url: string, token: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, ...headers }, signal: controller.signal });
  const events: LiveEvent[] = [];
  let ended = false;
  const waiting: { wake: (() => void) | null } = { wake: null };
  const reading = (async () => {
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const field = (name: string) =>
            lines
              .find((l) => l.startsWith(`${name}:`))
              ?.slice(name.length + 1)
              .trim();
          const data = field('data');
          if (data === undefined) continue;
          events.push({ id: field('id') ?? null, event: field('event') ?? 'message', data: JSON.parse(data) });
          waiting.wake?.();
        }
      }
    } catch {
      // Aborted by close().
    } finally {
      ended = true;
      waiting.wake?.();
    }
  })();
  return {
    res,
    events,
    get ended() {
      return ended;
    },
    async waitFor(count: number, timeoutMs = 5000): Promise<LiveEvent[]> {
      const until = performance.now() + timeoutMs;
      while (events.length < count) {
        if (ended) throw new Error(`stream ended after ${events.length} of ${count} events: ${JSON.stringify(events)}`);
        if (performance.now() > until)
          throw new Error(`${events.length} of ${count} events in ${timeoutMs} ms: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiting.wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return events.slice(0, count);
    },
    /** Resolves once the server ended the stream. */
    async whenEnded(timeoutMs = 5000) {
      await Promise.race([
        reading,
        new Promise((_, reject) => setTimeout(() => reject(new Error('stream still open')), timeoutMs)),
      ]);
    },
    close() {
      controller.abort();
    },
    lastId: () => events.at(-1)?.id ?? null,
  };
}
export type LiveStreamClient = Awaited<ReturnType<typeof openLiveStream>>;

/**
 * The body of an answer, but of a live event stream (which never ends by itself) only what arrives within `ms`: the
 * suites that walk every route read streams this way.
 */
export async function readBody(res: Response, ms = 400): Promise<string> {
  if (!res.headers.get('content-type')?.startsWith('text/event-stream') || !res.body) return res.text();
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const stop = setTimeout(() => void reader.cancel().catch(() => {}), ms);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // Cancelled.
  } finally {
    clearTimeout(stop);
  }
  return text;
}
