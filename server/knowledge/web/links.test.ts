import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { looksLikePage, normalizeUrl, readLinks } from './links.js';
import { parseSitemap, SITEMAP_LIMITS } from './sitemap.js';

describe('links', () => {
  it('normalises to absolute http(s) URLs without fragments', () => {
    expect(normalizeUrl('../b?x=1#top', 'https://Acme.TEST:443/a/c')).toBe('https://acme.test/b?x=1');
    for (const href of ['mailto:a@b.test', 'javascript:alert(1)', 'tel:123', 'data:text/html,x', 'http://'])
      expect(normalizeUrl(href, 'https://acme.test/')).toBeNull();
  });

  it('reads the links a crawl follows, honouring <base>, rel=nofollow and the robots meta tag', () => {
    const page = `<html><head><base href="https://acme.test/docs/"><meta name="ROBOTS" content="NoIndex, nofollow"></head><body>
      <a href="install">Install</a> <a href="/about#x">About</a> <a href="/ad" rel="sponsored nofollow">Ad</a> <a>no href</a></body></html>`;
    expect(readLinks(page, 'https://acme.test/')).toEqual({
      links: ['https://acme.test/docs/install', 'https://acme.test/about'],
      noindex: true,
      nofollow: true,
    });
    expect(readLinks('<meta name="robots" content="none">', 'https://acme.test/')).toMatchObject({
      noindex: true,
      nofollow: true,
    });
    expect(readLinks('<p>plain</p>', 'https://acme.test/')).toEqual({ links: [], noindex: false, nofollow: false });
  });

  it('takes files by their extension for what they are, not pages', () => {
    expect(looksLikePage('https://acme.test/guide.pdf')).toBe(false);
    expect(looksLikePage('https://acme.test/logo.PNG')).toBe(false);
    expect(looksLikePage('https://acme.test/guide')).toBe(true);
    expect(looksLikePage('https://acme.test/guide.html?page=pdf')).toBe(true);
  });
});

describe('parseSitemap', () => {
  const base = 'https://acme.test/sitemap.xml';

  it('reads a urlset, a sitemap index (entities decoded), a gzipped one and a text sitemap', () => {
    const urlset =
      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://acme.test/a?x=1&amp;y=2 </loc></url></urlset>';
    expect(parseSitemap(Buffer.from(urlset), base)).toEqual({ pages: ['https://acme.test/a?x=1&y=2'], sitemaps: [] });
    const index =
      '<?xml version="1.0"?><sitemapindex><sitemap><loc>https://acme.test/s1.xml</loc></sitemap><sitemap><loc>https://acme.test/s2.xml</loc></sitemap></sitemapindex>';
    expect(parseSitemap(gzipSync(index), base)).toEqual({
      pages: [],
      sitemaps: ['https://acme.test/s1.xml', 'https://acme.test/s2.xml'],
    });
    expect(parseSitemap(Buffer.from('https://acme.test/a\nhttps://acme.test/b\n'), base).pages).toEqual([
      'https://acme.test/a',
      'https://acme.test/b',
    ]);
  });

  it('refuses what is not a sitemap, and a gzip that inflates past the limit', () => {
    for (const body of ['<html><body>page</body></html>', '<urlset><url><loc>x', 'not a url at all'])
      expect(() => parseSitemap(Buffer.from(body), base), body).toThrow(expect.objectContaining({ code: 'invalid_sitemap' }));
    const bomb = gzipSync(Buffer.alloc(SITEMAP_LIMITS.bytes + 1, ' '));
    expect(() => parseSitemap(bomb, base)).toThrow(expect.objectContaining({ code: 'too_large' }));
  });
});
