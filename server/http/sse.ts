import type { Response } from 'express';

export interface EventStream {
  /** Writes one event; `id` (a live log's sequence number) is what the client resumes from. */
  send(event: string, data: unknown, id?: number): void;
  /** Bytes written but not yet taken by the client. */
  readonly buffered: number;
  /** True once the client has gone away. */
  readonly closed: boolean;
  end(): void;
}

/**
 * Starts a Server-Sent Events response: proxy-safe headers, one flush per event, and a heartbeat
 * comment every `heartbeatMs` so idle proxies keep the connection open. The headers leave with the first event when
 * it is written in the same tick (a chat stream's echo: one socket write instead of two), else alone at its end.
 */
export function openEventStream(res: Response, heartbeatMs = 15_000): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  process.nextTick(() => {
    if (!res.headersSent && !res.writableEnded) res.flushHeaders();
  });
  res.socket?.setNoDelay(true);
  let closed = false;
  const heartbeat = setInterval(() => {
    if (!closed) res.write(': ping\n\n');
  }, heartbeatMs);
  heartbeat.unref();
  res.on('close', () => {
    closed = true;
    clearInterval(heartbeat);
  });
  return {
    send(event, data, id) {
      if (closed) return;
      res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    get buffered() {
      return res.writableLength;
    },
    get closed() {
      return closed;
    },
    end() {
      clearInterval(heartbeat);
      if (!closed) res.end();
    },
  };
}
