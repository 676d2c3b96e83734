import { once } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface LocalSite {
  /** http://127.0.0.1:PORT */
  origin: string;
  port: number;
  /** Paths requested, in order (with the query). */
  requests: string[];
  /** TCP connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** A real website on loopback for fetching tests: each path answers through its route, anything else 404. */
export async function startLocalSite(routes: Record<string, Route>): Promise<LocalSite> {
  const site = { requests: [] as string[], connections: 0 };
  const server = http.createServer((req, res) => {
    site.requests.push(req.url ?? '');
    const route = routes[new URL(req.url ?? '/', 'http://x').pathname];
    if (route) return route(req, res);
    res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  server.on('connection', () => site.connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(site, {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      // Slow routes keep their responses open: cut them, or close() would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export const html =
  (body: string, status = 200, headers: Record<string, string> = {}): Route =>
  (_req, res) =>
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body);

export const redirect =
  (location: string, status = 302): Route =>
  (_req, res) =>
    res.writeHead(status, { location }).end();
