// What crosses the wire for the browser parts (issue 18): the real build outputs in dist/ (npm test builds them first),
// served by the real routes over real HTTP, read with node:http so nothing decompresses behind the test's back.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { errorHandler, notFoundHandler } from './errorHandler.js';
import { acceptedCodings, servePrecompressed } from './precompressed.js';
import { startWebServer } from './server.js';
import { staticRoutes } from './static.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (part: string) => join(root, 'dist', part);
for (const part of ['widget', 'dashboard', 'widget-esm'])
  if (!existsSync(dist(part))) throw new Error(`dist/${part} is built first (npm test runs the Rollup build)`);

const scratch = mkdtempSync(join(tmpdir(), 'chatwidget-static-'));
const app = express();
app.use(
  staticRoutes(
    { widget: dist('widget'), dashboard: dist('dashboard'), widgetEsm: dist('widget-esm'), examples: join(root, 'examples') },
    async () => 'pk_test',
  ),
);
app.use('/scratch', servePrecompressed(scratch, { cacheControl: () => 'no-cache' }));
app.use(notFoundHandler);
app.use(errorHandler(createLogger('silent')));
const web = await startWebServer(app, 0);
afterAll(async () => {
  await web.stop(100);
  rmSync(scratch, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}
function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${web.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}
const decoded = (answer: Answer) => {
  const coding = answer.headers['content-encoding'];
  if (coding === 'br') return brotliDecompressSync(answer.body);
  if (coding === 'gzip') return gunzipSync(answer.body);
  return answer.body;
};
const widgetFile = readFileSync(join(dist('widget'), 'widget.js'));
const panelName = readdirSync(dist('widget')).find((f) => /^panel-[\w-]{8}\.js$/.test(f));

describe('acceptedCodings', () => {
  it('orders by q-value, breaks ties br > gzip > identity, honours q=0 and *', () => {
    expect(acceptedCodings(undefined)).toEqual(['identity']);
    expect(acceptedCodings('')).toEqual(['identity']);
    expect(acceptedCodings('gzip, deflate, br, zstd')).toEqual(['br', 'gzip', 'identity']); // Chromium's header
    expect(acceptedCodings('GZIP')).toEqual(['gzip', 'identity']);
    expect(acceptedCodings('br;q=0, gzip')).toEqual(['gzip', 'identity']);
    expect(acceptedCodings('br;q=0, gzip;q=0.5')).toEqual(['gzip', 'identity']);
    expect(acceptedCodings('gzip;q=0.8, br;q=0.5')).toEqual(['gzip', 'br', 'identity']);
    expect(acceptedCodings('identity;q=0.1, gzip;q=0.2')).toEqual(['gzip', 'identity']);
    expect(acceptedCodings('*')).toEqual(['br', 'gzip', 'identity']);
    expect(acceptedCodings('gzip, *;q=0')).toEqual(['gzip']);
    expect(acceptedCodings('identity;q=0')).toEqual([]);
    expect(acceptedCodings('br;q=bogus, gzip')).toEqual(['gzip', 'identity']);
  });
});

describe('widget.js on the wire', () => {
  it('sends the best coding the client accepts, with Vary, its exact length and a short cache', async () => {
    for (const [accept, coding] of [
      ['gzip, deflate, br, zstd', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip', 'gzip'],
      ['gzip;q=0.9, br;q=0.5', 'gzip'],
      ['deflate', undefined],
      ['identity;q=0', undefined], // nothing acceptable: the plain file rather than a 406
    ] as const) {
      const answer = await get('/widget.js', { 'accept-encoding': accept });
      expect(answer.status, accept).toBe(200);
      expect(answer.headers['content-encoding'], accept).toBe(coding);
      expect(answer.headers.vary, accept).toMatch(/accept-encoding/i);
      expect(Number(answer.headers['content-length']), accept).toBe(answer.body.length);
      expect(decoded(answer).equals(widgetFile), accept).toBe(true);
      expect(answer.headers['content-type']).toMatch(/^text\/javascript/);
      expect(answer.headers['cache-control']).toBe('public, max-age=300');
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['accept-ranges']).toBe('none');
    }
    const plain = await get('/widget.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body.equals(widgetFile)).toBe(true);
  });

  it('the brotli variant is much smaller than the file (built at maximum quality)', async () => {
    const br = await get('/widget.js', { 'accept-encoding': 'br' });
    const gzip = await get('/widget.js', { 'accept-encoding': 'gzip' });
    expect(br.body.length).toBeLessThan(gzip.body.length);
    expect(gzip.body.length).toBeLessThan(widgetFile.length / 2);
  });

  it('revalidates with a strong ETag per variant and Last-Modified (304 without content)', async () => {
    const br = await get('/widget.js', { 'accept-encoding': 'br' });
    const gzip = await get('/widget.js', { 'accept-encoding': 'gzip' });
    const etag = br.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/); // strong: each variant's bytes have their own tag
    expect(gzip.headers.etag).not.toBe(etag);
    expect(br.headers['last-modified']).toBeTruthy();

    const again = await get('/widget.js', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(again.headers.vary).toMatch(/accept-encoding/i);
    expect(again.headers['cache-control']).toBe('public, max-age=300');
    expect(again.headers['content-encoding']).toBeUndefined();

    // The brotli tag does not validate the gzip variant.
    expect((await get('/widget.js', { 'accept-encoding': 'gzip', 'if-none-match': etag })).status).toBe(200);
    const since = { 'accept-encoding': 'gzip', 'if-modified-since': br.headers['last-modified'] as string };
    expect((await get('/widget.js', since)).status).toBe(304);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const head = await get('/widget.js', { 'accept-encoding': 'br' }, 'HEAD');
    const full = await get('/widget.js', { 'accept-encoding': 'br' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    for (const name of ['content-length', 'content-encoding', 'etag', 'vary', 'cache-control'])
      expect(head.headers[name], name).toBe(full.headers[name]);
  });
});

describe('chunks and the dashboard', () => {
  it('serves the content-hashed panel chunk as immutable, compressed', async () => {
    expect(panelName, 'the panel chunk carries a content hash').toBeTruthy();
    const chunk = await get(`/widget/${panelName}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(chunk.status).toBe(200);
    expect(chunk.headers['content-encoding']).toBe('br');
    expect(chunk.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(chunk.headers.vary).toMatch(/accept-encoding/i);
    // Only hashed names are immutable: the loader under its other path stays short-lived.
    expect((await get('/widget/widget.js')).headers['cache-control']).toBe('public, max-age=300');
    const esm = await get('/widget-esm/index.js', { 'accept-encoding': 'gzip' });
    expect(esm.headers['content-encoding']).toBe('gzip');
    expect(esm.headers['cache-control']).toBe('public, max-age=300');
    // The ESM build's hashed chunks (the page API shared by its entries, the panel, the handoff) are immutable too.
    const esmChunks = readdirSync(dist('widget-esm')).filter((f) => /-[\w-]{8}\.js$/.test(f));
    expect(esmChunks.length).toBeGreaterThanOrEqual(2);
    for (const file of esmChunks)
      expect((await get(`/widget-esm/${file}`)).headers['cache-control'], file).toBe('public, max-age=31536000, immutable');
    expect((await get('/widget-esm/react.js')).headers['cache-control']).toBe('public, max-age=300');
  });

  it('every dashboard asset carries a content hash and is served immutable; the pages are revalidated', async () => {
    const assets = readdirSync(join(dist('dashboard'), 'assets')).filter((f) => !/\.(?:br|gz)$/.test(f));
    expect(assets.filter((f) => !/-[\w-]{8}\.(?:js|css)$/.test(f))).toEqual([]);

    const page = await get('/dashboard/', { 'accept-encoding': 'br, gzip' });
    expect(page.status).toBe(200);
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const html = decoded(page).toString('utf8');
    const referenced = [...html.matchAll(/(?:href|src)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(referenced.length).toBeGreaterThanOrEqual(2);
    for (const path of referenced) {
      const asset = await get(path, { 'accept-encoding': 'br, gzip' });
      expect(asset.status, path).toBe(200);
      expect(asset.headers['content-encoding'], path).toBe('br');
      expect(asset.headers['cache-control'], path).toBe('public, max-age=31536000, immutable');
    }
    const revalidated = await get('/dashboard/', { 'accept-encoding': 'br', 'if-none-match': page.headers.etag as string });
    expect(revalidated.status).toBe(304);

    // History routes get the page; a missing asset is a 404, never the page.
    const route = await get('/dashboard/conversations/abc', { 'accept-encoding': 'gzip' });
    expect(route.status).toBe(200);
    expect(decoded(route).toString('utf8')).toBe(html);
    expect((await get('/dashboard/assets/missing-AAAAAAAA.js')).status).toBe(404);
  });

  it('never serves a sibling by its own name, nor anything outside the folder', async () => {
    expect((await get('/widget/widget.js.br')).status).toBe(404);
    expect((await get('/widget/widget.js.gz')).status).toBe(404);
    expect((await get('/widget/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await get('/dashboard/assets/..%2f..%2f..%2fpackage.json')).status).toBe(404);
  });

  it('ignores a sibling older than its file (a file rebuilt without its compressed copies)', async () => {
    writeFileSync(join(scratch, 'a.js'), 'console.log("new");');
    writeFileSync(join(scratch, 'a.js.br'), 'stale bytes');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(scratch, 'a.js.br'), past, past);
    const answer = await get('/scratch/a.js', { 'accept-encoding': 'br' });
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body.toString()).toBe('console.log("new");');
  });
});
