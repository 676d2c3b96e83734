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

/**
 * A generated website for ingestion tests and benchmarks: `pages` linked pages at /p/0…, each with navigation,
 * a script and six sections (~6 KB), a robots.txt and a /sitemap.xml listing them all.
 */
export function generatedWebsite(pages: number): Record<string, Route> {
  const paragraph = 'Our product helps teams answer questions faster with a knowledge base kept in sync with their website. ';
  const page = (i: number) => `<!doctype html><html><head><title>Page ${i}</title><script>var analytics = 1</script></head><body>
<nav>${Array.from({ length: 10 }, (_, j) => `<a href="/p/${(i + j + 1) % pages}">Link ${j}</a>`).join(' ')}</nav>
<main><article><h1>Page ${i}</h1>${Array.from(
    { length: 6 },
    (_, k) => `<h2>Topic ${i}.${k}</h2><p>${paragraph.repeat(8)}</p><ul><li>First point</li><li>Second point</li></ul>`,
  ).join('')}</article></main><footer>Footer</footer></body></html>`;
  const routes: Record<string, Route> = {
    '/robots.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n'),
    '/sitemap.xml': (req, res) => {
      const origin = `http://${req.headers.host}`;
      const urls = Array.from({ length: pages }, (_, i) => `<url><loc>${origin}/p/${i}</loc></url>`).join('');
      res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><urlset>${urls}</urlset>`);
    },
  };
  for (let i = 0; i < pages; i++) routes[`/p/${i}`] = html(page(i));
  return routes;
}
