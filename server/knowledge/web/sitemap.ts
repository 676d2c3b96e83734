import { gunzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { AppError } from '../../lib/AppError.js';
import { normalizeUrl } from './links.js';
import type { PoliteFetcher } from './politeFetcher.js';

/** Bounds on what one sitemap source reads: nested indexes, sitemap files and the size of each (50 MB uncompressed is the protocol's own limit; ours is smaller). */
export const SITEMAP_LIMITS = { depth: 3, files: 50, bytes: 10 * 1024 * 1024 } as const;

export interface SitemapPages {
  /** Page URLs in the order the sitemaps list them, deduplicated, at most `maxPages`. */
  urls: string[];
  /** Nested sitemaps that could not be read (the pages of the others are still read). */
  failures: { url: string; error: { code: string; message: string } }[];
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  isArray: (name) => name === 'url' || name === 'sitemap',
});

const invalid = (url: string, message: string) => new AppError(422, 'invalid_sitemap', message, { details: { url } });

/** A sitemap's entries: the pages of a `urlset`, the sitemaps of a `sitemapindex`, or the lines of a text sitemap. */
export function parseSitemap(body: Buffer, url: string): { pages: string[]; sitemaps: string[] } {
  let bytes = body;
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: SITEMAP_LIMITS.bytes });
    } catch (cause) {
      if (cause instanceof RangeError)
        throw new AppError(422, 'too_large', `The sitemap is larger than ${SITEMAP_LIMITS.bytes} bytes`, { details: { url } });
      throw invalid(url, 'The sitemap is not valid gzip');
    }
  }
  const text = bytes
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim();
  const locs = (entries: unknown) =>
    (Array.isArray(entries) ? entries : [])
      .map((entry) => normalizeUrl(String((entry as { loc?: unknown })?.loc ?? ''), url))
      .filter((loc): loc is string => loc !== null);
  if (!text.startsWith('<')) {
    // A text sitemap is absolute URLs, one a line.
    const lines = text
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line) => normalizeUrl(line));
    if (!lines.length || lines.some((line) => line === null)) throw invalid(url, 'Not a sitemap (XML or one URL per line)');
    return { pages: lines as string[], sitemaps: [] };
  }
  let document: { urlset?: { url?: unknown }; sitemapindex?: { sitemap?: unknown } };
  // The parser itself accepts unclosed tags: a truncated sitemap must fail, not yield half its pages silently.
  if (XMLValidator.validate(text) !== true) throw invalid(url, 'The sitemap is not well-formed XML');
  try {
    document = parser.parse(text);
  } catch {
    throw invalid(url, 'The sitemap is not well-formed XML');
  }
  if (document.urlset !== undefined) return { pages: locs(document.urlset?.url), sitemaps: [] };
  if (document.sitemapindex !== undefined) return { pages: [], sitemaps: locs(document.sitemapindex?.sitemap) };
  throw invalid(url, 'Neither a urlset nor a sitemapindex');
}

/**
 * The pages of a sitemap or sitemap index, nested indexes followed breadth-first within SITEMAP_LIMITS. The root
 * failing fails the source (thrown); a nested sitemap failing is reported and skipped.
 */
export async function readSitemap(rootUrl: string, fetcher: PoliteFetcher, maxPages: number): Promise<SitemapPages> {
  const urls = new Set<string>();
  const failures: SitemapPages['failures'] = [];
  const queue = [{ url: rootUrl, depth: 0 }];
  const seen = new Set([rootUrl]);
  for (let files = 0; queue.length && files < SITEMAP_LIMITS.files && urls.size < maxPages; files++) {
    const { url, depth } = queue.shift()!;
    let entries: { pages: string[]; sitemaps: string[] };
    try {
      const response = await fetcher.fetch(url, undefined, SITEMAP_LIMITS.bytes);
      entries = parseSitemap(response.body, response.url);
    } catch (error) {
      if (depth === 0 || !(error instanceof AppError)) throw error;
      failures.push({ url, error: { code: error.code, message: error.message } });
      continue;
    }
    for (const page of entries.pages) if (urls.size < maxPages) urls.add(page);
    if (depth + 1 < SITEMAP_LIMITS.depth)
      for (const sitemap of entries.sitemaps)
        if (!seen.has(sitemap)) {
          seen.add(sitemap);
          queue.push({ url: sitemap, depth: depth + 1 });
        }
  }
  return { urls: [...urls], failures };
}
