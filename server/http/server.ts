import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface WebServer {
  server: Server;
  port: number;
  url: string;
  /** Stops accepting, lets open requests (streams included) finish up to `graceMs`, then closes. */
  stop(graceMs?: number): Promise<void>;
}

export async function startWebServer(app: Express, port: number, host = '127.0.0.1'): Promise<WebServer> {
  const server = app.listen(port, host);
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
