import type { ExtractedDocument } from '../../knowledge/document.js';

/** One page a web source yielded: its document, or why it could not be read (the sync counts it as a failed page). */
export type FetchedPage =
  | { url: string; document: ExtractedDocument }
  | { url: string; error: { code: string; message: string } };

/** What web fetching is given of a source. */
export interface WebSource {
  type: 'url' | 'website' | 'sitemap';
  url: string;
  /** The most pages to yield (a website's `maxPages`; the tenant's remaining page budget otherwise). */
  maxPages: number;
}

/**
 * The pages of a `url`, `website` or `sitemap` source, as web fetching reads them (SSRF-safe fetch, robots.txt,
 * same-origin crawl, sitemaps). Throws an `AppError` when the source as a whole cannot be read (its start page or
 * sitemap is unreachable): the sync fails with that error.
 */
export type FetchSourcePages = (source: WebSource, options: { signal: AbortSignal }) => AsyncIterable<FetchedPage>;
