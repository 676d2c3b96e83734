import type { Response } from 'express';

export interface EventStream {
  send(event: string, data: unknown): void;
  /** True once the client has gone away. */
  readonly closed: boolean;
  end(): void;
}

/**
 * Starts a Server-Sent Events response: proxy-safe headers, one flush per event, and a heartbeat
 * comment every `heartbeatMs` so idle proxies keep the connection open.
 */
export function openEventStream(res: Response, heartbeatMs = 15_000): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
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
    send(event, data) {
      if (closed) return;
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
