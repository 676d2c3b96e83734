import { DEFAULT_WEBSITE_PAGES, MAX_WEBSITE_PAGES } from '../../../contract/limits.js';
import type { Config } from '../../config.js';
import { AppError } from '../../lib/AppError.js';
import type { ExtractedDocument } from '../document.js';
import { fetchPage } from './fetchPage.js';
import { looksLikePage, normalizeUrl } from './links.js';
import { PoliteFetcher, type WebFetchOptions } from './politeFetcher.js';
import { readSitemap } from './sitemap.js';

export type { WebFetchOptions } from './politeFetcher.js';

/** The options the server's configuration sets; a job adds its `signal` (and a tighter `maxPages` if it has one). */
export const webFetchOptions = (config: Pick<Config, 'ALLOW_PRIVATE_HOSTS' | 'KNOWLEDGE_CRAWL_RATE'>): WebFetchOptions => ({
  allowPrivateHosts: config.ALLOW_PRIVATE_HOSTS,
  requestsPerSecond: config.KNOWLEDGE_CRAWL_RATE,
});

/** The web sources: one page, a crawl of a website from a start page (same origin), or every page of a sitemap. */
export interface WebSource {
  type: 'url' | 'website' | 'sitemap';
  url: string;
  /** For `website`: at most this many pages (default DEFAULT_WEBSITE_PAGES). A sitemap reads up to MAX_WEBSITE_PAGES. */
  maxPages?: number | null;
}

export interface PageError {
  code: string;
  message: string;
}

/**
 * One step of a web source: a page read as a document, or a page that failed (or was skipped) with its reason.
 * `progress.total` is the best estimate so far: 1 for a page, the listed pages for a sitemap, the pages found so
 * far (within maxPages) for a crawl.
 */
export type PageResult = ({ url: string; document: ExtractedDocument } | { url: string; error: PageError }) & {
  progress: { done: number; total: number };
};

const pageError = (error: unknown): PageError => {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  throw error;
};

/**
 * The pages of a web source, one at a time, fetched politely and safely (see PoliteFetcher). Failures of single
 * pages are yielded as `{url, error}`; what leaves no page to read at all (an invalid URL, a sitemap that cannot be
 * read) is thrown as an AppError. Stops early when `options.signal` aborts (throws its reason).
 */
export async function* fetchSourcePages(source: WebSource, options: WebFetchOptions): AsyncGenerator<PageResult> {
  const start = normalizeUrl(source.url);
  if (!start) throw new AppError(422, 'invalid_url', 'Only http and https URLs can be read', { details: { url: source.url } });
  const asked = source.type === 'website' ? (source.maxPages ?? DEFAULT_WEBSITE_PAGES) : MAX_WEBSITE_PAGES;
  const limit = Math.max(1, Math.min(asked, MAX_WEBSITE_PAGES, options.maxPages ?? Number.POSITIVE_INFINITY));
  const fetcher = new PoliteFetcher(options);
  if (source.type === 'url') yield* readPages([start], fetcher, []);
  else if (source.type === 'sitemap') {
    const { urls, failures } = await readSitemap(start, fetcher, limit);
    yield* readPages(urls, fetcher, failures);
  } else yield* crawl(start, limit, fetcher);
}

async function* readPages(urls: string[], fetcher: PoliteFetcher, failures: { url: string; error: PageError }[]) {
  const total = urls.length + failures.length;
  let done = 0;
  for (const failure of failures) yield { ...failure, progress: { done: ++done, total } };
  for (const url of urls) {
    try {
      const page = await fetchPage(fetcher, url, false);
      if (page.document) yield { url: page.url, document: page.document, progress: { done: ++done, total } };
      else yield { url: page.url, error: page.skipped!, progress: { done: ++done, total } };
    } catch (error) {
      yield { url, error: pageError(error), progress: { done: ++done, total } };
    }
  }
}

/**
 * Breadth-first from the start page over links of the same origin (the start page's, after its redirects), each
 * URL once, until `limit` pages. Pages robots.txt disallows are passed over quietly, except the start page.
 */
async function* crawl(start: string, limit: number, fetcher: PoliteFetcher): AsyncGenerator<PageResult> {
  const queue = [start];
  const seen = new Set(queue);
  let origin: string | null = null;
  let done = 0;
  // Redirects onto pages already read and disallowed pages yield nothing: bound the requests they cost too.
  for (let requests = 0; queue.length && done < limit && requests < limit * 3; requests++) {
    const url = queue.shift()!;
    const progress = () => ({ done, total: Math.min(limit, done + queue.length) });
    let result: PageResult;
    try {
      const page = await fetchPage(fetcher, url, true);
      origin ??= new URL(page.url).origin;
      if (page.url !== url) {
        if (seen.has(page.url) || new URL(page.url).origin !== origin) continue;
        seen.add(page.url);
      }
      if (!page.links?.nofollow)
        for (const link of page.links?.links ?? [])
          if (!seen.has(link) && new URL(link).origin === origin && looksLikePage(link)) {
            seen.add(link);
            queue.push(link);
          }
      done++;
      result = page.document
        ? { url: page.url, document: page.document, progress: progress() }
        : { url: page.url, error: page.skipped!, progress: progress() };
    } catch (error) {
      const reason = pageError(error);
      if (reason.code === 'robots_disallowed' && url !== start) continue;
      done++;
      result = { url, error: reason, progress: progress() };
    }
    yield result;
  }
}
