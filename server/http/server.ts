import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';

/**
 * The whole request (headers and body) must arrive within this: a 10 MB upload needs about 0.7 Mbit/s,
 * and a client trickling a body holds a connection for at most this long (Node's default is 5 minutes).
 * Only the request counts: an answer's event stream, a response, may last longer.
 */
export const REQUEST_TIMEOUT_MS = 120_000;
/** The headers must arrive within this (slow-headers clients). */
export const HEADERS_TIMEOUT_MS = 20_000;

export interface ServerTimeouts {
  requestTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** How often Node checks the two above (its default, 30 s, would let a timeout run 30 s late). */
  checkEveryMs?: number;
}

export interface WebServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets open requests (streams included) finish up to `graceMs`, then closes. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Requests the HTTP parser refuses (headers too large, malformed request lines) never reach Express;
 * Node would answer them with an empty body. Answer them in the documented error shape instead.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex) {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  // Once a response has started (a request timing out mid-body after an early answer), only closing is left.
  if ((socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? ['431 Request Header Fields Too Large', 'headers_too_large', 'The request headers or URL are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? ['408 Request Timeout', 'request_timeout', 'The request took too long to arrive']
        : ['400 Bad Request', 'bad_request', 'The request could not be parsed'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function startWebServer(
  app: Express,
  port: number,
  host = '127.0.0.1',
  timeouts: ServerTimeouts = {},
): Promise<WebServer> {
  const server = createServer(
    {
      requestTimeout: timeouts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
      headersTimeout: timeouts.headersTimeoutMs ?? HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: timeouts.checkEveryMs ?? 5_000,
    },
    app,
  );
  server.on('clientError', answerClientError);
  server.listen(port, host);
  await once(server, 'listening');
  server.keepAliveTimeout = 65_000;
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    async stop(graceMs = 10_000) {
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
