import { parseHTML } from 'linkedom';

/** What a crawl reads from a page besides its text: where it links to, and whether it may be indexed or followed. */
export interface PageLinks {
  links: string[];
  /** `<meta name="robots" content="noindex">`: the page is not indexed. */
  noindex: boolean;
  /** `<meta name="robots" content="nofollow">`: its links are not followed. */
  nofollow: boolean;
}

/** Files a crawl does not fetch as pages: judged by the path's extension before any request (PDFs are not read yet). */
const NOT_PAGES =
  /\.(pdf|docx?|xlsx?|pptx?|zip|gz|tgz|rar|7z|tar|png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?|mp[34]|m4a|mov|avi|webm|ogg|wav|woff2?|ttf|eot|css|js|mjs|json|xml|rss|atom|txt|csv|exe|dmg|apk|iso)$/i;

/** An http(s) URL without its fragment (pages differ by path and query only), or null for anything else. */
export function normalizeUrl(href: string, base?: string): string | null {
  let url: URL;
  try {
    url = new URL(href.trim(), base);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.hash = '';
  return url.href;
}

export const looksLikePage = (url: string) => !NOT_PAGES.test(new URL(url).pathname);

interface Element {
  getAttribute(name: string): string | null;
}
interface Queryable {
  querySelector(selectors: string): Element | null;
  querySelectorAll(selectors: string): ArrayLike<Element>;
}

export function readLinks(html: string, pageUrl: string): PageLinks {
  const { document } = parseHTML(html) as unknown as { document: Queryable };
  const robots = Array.from(document.querySelectorAll('meta[name="robots" i]'))
    .map((meta) => meta.getAttribute('content') ?? '')
    .join(',')
    .toLowerCase();
  const none = /\bnone\b/.test(robots);
  const base = normalizeUrl(document.querySelector('base[href]')?.getAttribute('href') ?? '', pageUrl) ?? pageUrl;
  const links = new Set<string>();
  for (const anchor of Array.from(document.querySelectorAll('a[href]'))) {
    if (/\bnofollow\b/i.test(anchor.getAttribute('rel') ?? '')) continue;
    const url = normalizeUrl(anchor.getAttribute('href') ?? '', base);
    if (url) links.add(url);
  }
  return { links: [...links], noindex: none || /\bnoindex\b/.test(robots), nofollow: none || /\bnofollow\b/.test(robots) };
}
