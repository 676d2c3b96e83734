import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { html, type LocalSite, redirect, startLocalSite } from '../../test/localSite.js';
import { fetchSourcePages, type PageResult, type WebFetchOptions, type WebSource, webFetchOptions } from './fetchSourcePages.js';

const words = (topic: string) =>
  `${topic}: ${'this paragraph holds enough ordinary words for the page to read as an article about its subject. '.repeat(3)}`;

const page = (title: string, body: string, links = '') => `<!doctype html><html><head><title>${title}</title>
<script>window.analytics = "SCRIPT_NOISE"</script></head><body>
<header><nav><a href="/">Home</a> <a href="/about">About</a> <a href="/pricing">Pricing</a></nav></header>
<main><article><h1>${title}</h1><p>${words(title)}</p>${body}</article></main>${links}
<footer>Copyright</footer></body></html>`;

const urlset = (paths: string[], origin: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${paths
    .map((path) => `<url><loc>${origin}${path}</loc><lastmod>2026-01-01</lastmod></url>`)
    .join('')}</urlset>`;

let site: LocalSite;

beforeAll(async () => {
  const xml = (body: () => string | Buffer, type = 'application/xml') =>
    ((_req, res) => res.writeHead(200, { 'content-type': type }).end(body())) satisfies Parameters<
      typeof startLocalSite
    >[0][string];
  site = await startLocalSite({
    '/robots.txt': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        // Everyone else is shut out; our crawler has its own group, which only closes /private/.
        .end('User-agent: *\nDisallow: /\n\nUser-agent: ChatwidgetBot\nDisallow: /private/\n'),
    '/': html(
      page(
        'Acme home',
        '<h2>Welcome</h2><p>Start here.</p>',
        `<ul>
          <li><a href="/about#team">Team</a></li><li><a href="/old-pricing">Old pricing</a></li><li><a href="docs/">Docs</a></li>
          <li><a href="/private/secret">Secret</a></li><li><a href="/chain/1">Chain</a></li><li><a href="/missing">Missing</a></li>
          <li><a href="/huge">Huge</a></li><li><a href="/slow">Slow</a></li><li><a href="/feed">Feed</a></li>
          <li><a href="/manual.pdf">Manual</a></li><li><a href="/noindex">Hidden</a></li><li><a href="/sponsored" rel="nofollow sponsored">Ad</a></li>
          <li><a href="http://other.test/page">Elsewhere</a></li><li><a href="mailto:hello@acme.test">Mail</a></li>
        </ul>`,
      ),
    ),
    '/about': html(page('About Acme', '<h2>Team</h2><p>We are five people.</p>')),
    '/pricing': html(page('Pricing', '<h2>Team plan</h2><p>The team plan costs 50 dollars per month.</p>')),
    '/old-pricing': redirect('/pricing', 301),
    '/docs/': html(page('Docs', '<p>Read the install guide.</p>', '<a href="install">Install</a>')),
    '/docs/install': html(page('Install guide', '<h2>Paste the snippet</h2><p>Add the script tag to your page.</p>')),
    '/private/secret': html(page('Secret', '<p>PRIVATE_TEXT</p>')),
    ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`/chain/${i + 1}`, redirect(`/chain/${i + 2}`)])),
    '/huge': html(page('Huge', `<p>${'x'.repeat(400 * 1024)}</p>`)),
    '/slow': () => {},
    '/latin1': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          Buffer.from(
            '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e</p></body></html>',
            'latin1',
          ),
        ),
    '/feed': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}'),
    '/noindex': html(
      page('Hidden', '<p>Not for search engines.</p>').replace('<head>', '<head><meta name="robots" content="noindex">'),
    ),
    '/sitemap_index.xml': xml(
      () => `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>${site.origin}/sitemap-broken.xml</loc></sitemap>
        <sitemap><loc>${site.origin}/sitemap-pages.xml</loc></sitemap>
        <sitemap><loc>${site.origin}/sitemap-docs.xml.gz</loc></sitemap>
      </sitemapindex>`,
    ),
    '/sitemap-pages.xml': xml(() => urlset(['/about', '/pricing', '/private/secret', '/missing', '/about'], site.origin)),
    '/sitemap-docs.xml.gz': xml(() => gzipSync(urlset(['/docs/', '/docs/install'], site.origin)), 'application/gzip'),
  });
});
afterAll(() => site.close());

const options: WebFetchOptions = {
  allowPrivateHosts: true,
  requestsPerSecond: 1000,
  pageBytes: 256 * 1024,
  // Generous for a loaded machine: only /slow, which never answers, should reach it.
  timeoutMs: 2000,
};

async function collect(source: WebSource, with_: Partial<WebFetchOptions> = {}) {
  const results: PageResult[] = [];
  for await (const result of fetchSourcePages(source, { ...options, ...with_ })) results.push(result);
  return results;
}

const summary = (results: PageResult[]) =>
  results.map((result) => [new URL(result.url).pathname, 'document' in result ? result.document.title : result.error.code]);

describe('fetchSourcePages on a local website', () => {
  it('crawls the same origin breadth-first, obeying robots.txt, each page once, with a reason for every page that failed', async () => {
    const before = site.requests.length;
    const results = await collect({ type: 'website', url: `${site.origin}/` });
    expect(summary(results)).toEqual([
      ['/', 'Acme home'],
      ['/about', 'About Acme'],
      ['/pricing', 'Pricing'],
      ['/docs/', 'Docs'],
      ['/chain/1', 'too_many_redirects'],
      ['/missing', 'http_status'],
      ['/huge', 'too_large'],
      ['/slow', 'timeout'],
      ['/feed', 'not_html'],
      ['/noindex', 'noindex'],
      ['/docs/install', 'Install guide'],
    ]);
    const requested = site.requests.slice(before);
    expect(requested.filter((path) => path === '/robots.txt')).toHaveLength(1);
    for (const never of ['/private/secret', '/manual.pdf', '/sponsored']) expect(requested).not.toContain(never);
    expect(results.at(-1)?.progress).toEqual({ done: 11, total: 11 });

    const home = results[0]!;
    if (!('document' in home)) throw new Error('the home page is a document');
    expect(home.document).toMatchObject({ url: `${site.origin}/`, page: null });
    expect(home.document.text).toContain('## Welcome\n\nStart here.');
    expect(home.document.text).not.toContain('SCRIPT_NOISE');
  });

  it('stops a crawl at maxPages', async () => {
    const results = await collect({ type: 'website', url: `${site.origin}/`, maxPages: 2 });
    expect(summary(results)).toEqual([
      ['/', 'Acme home'],
      ['/about', 'About Acme'],
    ]);
    expect(results.map((result) => result.progress)).toEqual([
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);
  });

  it('reads every page of a sitemap index (nested, gzipped), reporting a broken sitemap and each failed page', async () => {
    const results = await collect({ type: 'sitemap', url: `${site.origin}/sitemap_index.xml` });
    expect(summary(results)).toEqual([
      ['/sitemap-broken.xml', 'http_status'],
      ['/about', 'About Acme'],
      ['/pricing', 'Pricing'],
      ['/private/secret', 'robots_disallowed'],
      ['/missing', 'http_status'],
      ['/docs/', 'Docs'],
      ['/docs/install', 'Install guide'],
    ]);
    expect(results.map((result) => result.progress.total)).toEqual(Array(7).fill(7));
  });

  it('fails the whole source when its sitemap cannot be read', async () => {
    await expect(collect({ type: 'sitemap', url: `${site.origin}/no-sitemap.xml` })).rejects.toMatchObject({
      code: 'http_status',
    });
    await expect(collect({ type: 'sitemap', url: `${site.origin}/about` })).rejects.toMatchObject({ code: 'invalid_sitemap' });
  });

  it('reads one page for a url source, following its redirect, and names a non-HTML page', async () => {
    const [pricing, ...rest] = await collect({ type: 'url', url: `${site.origin}/old-pricing` });
    expect(rest).toEqual([]);
    expect(pricing).toMatchObject({ url: `${site.origin}/pricing`, progress: { done: 1, total: 1 } });
    expect(pricing && 'document' in pricing && pricing.document.text).toContain('The team plan costs 50 dollars per month.');
    expect(summary(await collect({ type: 'url', url: `${site.origin}/feed` }))).toEqual([['/feed', 'not_html']]);
    // The charset a <meta> names (no charset in the header).
    expect(await collect({ type: 'url', url: `${site.origin}/latin1` })).toMatchObject([
      { document: { title: 'Caf\u00e9', text: 'Cr\u00e8me br\u00fbl\u00e9e' } },
    ]);
    await expect(collect({ type: 'url', url: 'ftp://acme.test/' })).rejects.toMatchObject({ code: 'invalid_url' });
  });

  it('spaces its requests to a host by the configured rate', async () => {
    const started = performance.now();
    // robots.txt, then three pages: four requests at 10 per second take at least 300 ms.
    const results = await collect({ type: 'website', url: `${site.origin}/about`, maxPages: 3 }, { requestsPerSecond: 10 });
    expect(results).toHaveLength(3);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('refuses the local site with the default configuration: a private address, before any request', async () => {
    const defaults = webFetchOptions(loadConfig({}));
    expect(defaults).toEqual({ allowPrivateHosts: false, requestsPerSecond: 2 });
    const before = site.requests.length;
    expect(summary(await collect({ type: 'url', url: `${site.origin}/pricing` }, defaults))).toEqual([
      ['/pricing', 'private_address'],
    ]);
    expect(summary(await collect({ type: 'website', url: `${site.origin}/` }, defaults))).toEqual([['/', 'private_address']]);
    await expect(collect({ type: 'sitemap', url: `${site.origin}/sitemap_index.xml` }, defaults)).rejects.toMatchObject({
      code: 'private_address',
    });
    expect(site.requests.length).toBe(before);
  });
});
