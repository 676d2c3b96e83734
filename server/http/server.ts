import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';

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

export async function startWebServer(app: Express, port: number, host = '127.0.0.1'): Promise<WebServer> {
  const server = app.listen(port, host);
  server.on('clientError', answerClientError);
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
