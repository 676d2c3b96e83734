import { AppError } from '../../lib/AppError.js';
import type { ExtractedDocument } from '../document.js';
import { htmlToDocument } from '../extract/htmlToDocument.js';
import { type PageLinks, readLinks } from './links.js';
import type { PoliteFetcher } from './politeFetcher.js';

const HTML_TYPES = ['text/html', 'application/xhtml+xml'];

export interface FetchedPage {
  /** The final URL, after redirects. */
  url: string;
  /** Null when the page asks not to be indexed or has no text (`skipped` says which). */
  document: ExtractedDocument | null;
  skipped: { code: 'noindex' | 'empty_page'; message: string } | null;
  links: PageLinks | null;
}

/** The charset the header names, else the one a `<meta>` names in the first bytes, else UTF-8. */
function decode(body: Buffer, contentType: string | undefined): string {
  const declared =
    /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 2048).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** One HTML page through the polite fetcher, as a document; `withLinks` also reads its links for a crawl. */
export async function fetchPage(fetcher: PoliteFetcher, url: string, withLinks: boolean): Promise<FetchedPage> {
  let response: Awaited<ReturnType<PoliteFetcher['fetch']>>;
  try {
    response = await fetcher.fetch(url, HTML_TYPES);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unsupported_type')
      throw new AppError(422, 'not_html', `Not an HTML page (${error.message})`, { details: error.details });
    throw error;
  }
  const html = decode(response.body, response.headers['content-type']);
  const links = withLinks || /<meta[^>]+robots/i.test(html) ? readLinks(html, response.url) : null;
  if (links?.noindex)
    return { url: response.url, document: null, skipped: { code: 'noindex', message: 'The page asks not to be indexed' }, links };
  const document = htmlToDocument(html, response.url);
  if (!document.text)
    return { url: response.url, document: null, skipped: { code: 'empty_page', message: 'The page has no text' }, links };
  return { url: response.url, document, skipped: null, links };
}
