import { createRequire } from 'node:module';
import { AppError } from '../../lib/AppError.js';
import { type Resolver, SAFE_FETCH_DEFAULTS, type SafeResponse, safeFetch } from '../../lib/safeFetch.js';
import { HostPacer } from './hostPacer.js';

/** The name robots.txt rules are matched against, and the User-Agent of every knowledge request. */
export const CRAWLER_NAME = 'ChatwidgetBot';
export const CRAWLER_USER_AGENT = `${CRAWLER_NAME}/1.0 (knowledge base crawler; honours robots.txt)`;

export interface WebFetchOptions {
  /** KNOWLEDGE_ALLOW_PRIVATE_HOSTS: private, loopback and link-local hosts may be fetched. */
  allowPrivateHosts: boolean;
  /** KNOWLEDGE_CRAWL_RATE: requests per second to one host. */
  requestsPerSecond: number;
  /** A further cap on the pages one source reads (e.g. what the tenant's page limit leaves); the contract's limits apply anyway. */
  maxPages?: number;
  /** Per-request limits (defaults: SAFE_FETCH_DEFAULTS). */
  pageBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  resolve?: Resolver;
  /** Stops the crawl (the job lost its lease, the source was deleted). */
  signal?: AbortSignal;
}

/** A robots.txt asking for more than this between requests is not crawled slower than this. */
const MAX_CRAWL_DELAY_MS = 10_000;
/** RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt. */
const ROBOTS_BYTES = 512 * 1024;

/** What this crawler asks of a parsed robots.txt. */
interface Robots {
  isAllowed(url: string, userAgent?: string): boolean | undefined;
  getCrawlDelay(userAgent?: string): number | undefined;
}
// The package is CommonJS (module.exports = the function) while its types declare an ES default export, which the
// server (NodeNext) and the browser parts' test imports (Bundler) read differently: required as what it is.
const robotsParser = createRequire(import.meta.url)('robots-parser') as (url: string, robotsTxt: string) => Robots;

/**
 * Every request of one crawl goes through here: robots.txt read once per origin and obeyed, requests to a host
 * spaced by the pacer, and each fetch SSRF-checked and bounded by safeFetch.
 */
export class PoliteFetcher {
  private readonly robots = new Map<string, Promise<Robots>>();
  private readonly pacer: HostPacer;

  constructor(private readonly options: WebFetchOptions) {
    this.pacer = new HostPacer(1000 / options.requestsPerSecond);
  }

  /** Fetches `url` if robots.txt allows it; `accept` lists the media types wanted. */
  async fetch(url: string, accept?: readonly string[], maxBytes?: number): Promise<SafeResponse> {
    const robots = await this.robotsFor(url);
    if (robots.isAllowed(url, CRAWLER_NAME) === false)
      throw new AppError(422, 'robots_disallowed', 'robots.txt does not allow this page to be fetched', { details: { url } });
    return this.paced(url, accept, maxBytes ?? this.options.pageBytes);
  }

  private async paced(url: string, accept?: readonly string[], maxBytes?: number): Promise<SafeResponse> {
    await this.pacer.wait(new URL(url).host, this.options.signal);
    return safeFetch(url, {
      allowPrivateHosts: this.options.allowPrivateHosts,
      headers: { 'user-agent': CRAWLER_USER_AGENT },
      accept,
      maxBytes: maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes,
      timeoutMs: this.options.timeoutMs,
      maxRedirects: this.options.maxRedirects,
      resolve: this.options.resolve,
      signal: this.options.signal,
    });
  }

  private robotsFor(url: string): Promise<Robots> {
    const { origin, host } = new URL(url);
    let robots = this.robots.get(origin);
    if (!robots) {
      robots = this.readRobots(origin, host);
      this.robots.set(origin, robots);
    }
    return robots;
  }

  /**
   * RFC 9309: a robots.txt that is missing (4xx) allows everything; a server error disallows everything. Any other
   * failure (private address, unreachable, timeout) is the page's failure too, and is reported as it.
   */
  private async readRobots(origin: string, host: string): Promise<Robots> {
    const robotsUrl = `${origin}/robots.txt`;
    let text: string;
    try {
      text = (await this.paced(robotsUrl, undefined, ROBOTS_BYTES)).body.toString('utf8');
    } catch (error) {
      const status = error instanceof AppError && error.code === 'http_status' ? (error.details as { status: number }).status : 0;
      if (status >= 400 && status < 500) text = '';
      else if (status >= 500) text = 'User-agent: *\nDisallow: /\n';
      else throw error;
    }
    const robots = robotsParser(robotsUrl, text);
    const delay = robots.getCrawlDelay(CRAWLER_NAME);
    if (delay) this.pacer.setDelay(host, Math.min(delay * 1000, MAX_CRAWL_DELAY_MS));
    return robots;
  }
}
