import { lookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { AppError } from './AppError.js';
import { abortable } from './abortable.js';

/**
 * The one way the server fetches a URL someone typed (knowledge sources, webhooks): SSRF-safe, bounded in size and
 * time. Every failure is an AppError (422) whose code says what went wrong; `details` carries the URL (and `status`).
 */
export type SafeFetchErrorCode =
  | 'invalid_url'
  | 'unsupported_protocol'
  | 'private_address'
  | 'unreachable'
  | 'timeout'
  | 'too_many_redirects'
  | 'http_status'
  | 'unsupported_type'
  | 'too_large';

/** Resolves a host name to its addresses (DNS by default; tests inject their own). */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface SafeFetchOptions {
  /** Allow private, loopback and link-local targets (intranets, tests); off by default in production. */
  allowPrivateHosts: boolean;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Media types accepted (`text/html`, …); any other fails with `unsupported_type`. Unset: any. */
  accept?: readonly string[];
  /** Largest body, after decompression (default 5 MB). */
  maxBytes?: number;
  /** The whole exchange, redirects and body included (default 15 s). */
  timeoutMs?: number;
  /** Redirects followed for GET (default 5); another method's redirect is an `http_status` failure. */
  maxRedirects?: number;
  /** Answers of any status are returned, not thrown (a webhook delivery logs what a failing receiver said). */
  anyStatus?: boolean;
  resolve?: Resolver;
  /** Which resolved addresses may be connected to, when private hosts are not allowed (default: isPublicAddress). */
  isAllowedAddress?: (address: string) => boolean;
  signal?: AbortSignal;
}

export interface SafeResponse {
  /** The final URL, after redirects. */
  url: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The media type without parameters, lower case ('' when absent). */
  contentType: string;
  body: Buffer;
}

export const SAFE_FETCH_DEFAULTS = { maxBytes: 5 * 1024 * 1024, timeoutMs: 15_000, maxRedirects: 5 } as const;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export const fetchError = (
  code: SafeFetchErrorCode,
  message: string,
  details: { url: string; status?: number },
  cause?: unknown,
) => new AppError(422, code, message, { details, cause });

/**
 * Whether an address may be fetched without `allowPrivateHosts`: global unicast only. Loopback, private, CGNAT,
 * link-local (the cloud metadata address 169.254.169.254 among them), multicast, unspecified, reserved, IPv6 unique
 * local, and the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are refused.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress()) parsed = parsed.toIPv4Address();
  return parsed.range() === 'unicast';
}

const dnsResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Resolves the host once and checks every address; the connection then uses exactly the address checked. */
async function pinnedAddress(url: URL, options: SafeFetchOptions, signal: AbortSignal): Promise<string> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(hostname)) addresses = [hostname];
  else {
    try {
      // DNS lookups cannot be cancelled: the fetch stops waiting for one when its time is up.
      addresses = await abortable((options.resolve ?? dnsResolver)(hostname), signal);
    } catch (cause) {
      if (signal.aborted) throw cause;
      throw fetchError('unreachable', `${hostname} could not be resolved`, { url: url.href }, cause);
    }
    if (!addresses.length) throw fetchError('unreachable', `${hostname} has no address`, { url: url.href });
  }
  if (!options.allowPrivateHosts) {
    const refused = addresses.find((address) => !(options.isAllowedAddress ?? isPublicAddress)(address));
    if (refused !== undefined)
      throw fetchError('private_address', `${hostname} is a private or reserved address, which is not fetched`, {
        url: url.href,
      });
  }
  return addresses[0]!;
}

function checkUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fetchError('invalid_url', 'Not a valid URL', { url: raw });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw fetchError('unsupported_protocol', 'Only http and https URLs are fetched', { url: raw });
  if (url.username || url.password) throw fetchError('invalid_url', 'URLs with credentials are not fetched', { url: raw });
  return url;
}

export async function safeFetch(rawUrl: string, options: SafeFetchOptions): Promise<SafeResponse> {
  const maxRedirects = options.maxRedirects ?? SAFE_FETCH_DEFAULTS.maxRedirects;
  const timeoutMs = options.timeoutMs ?? SAFE_FETCH_DEFAULTS.timeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  let url = checkUrl(rawUrl);
  try {
    for (let hop = 0; ; hop++) {
      const address = await pinnedAddress(url, options, signal);
      signal.throwIfAborted();
      const response = await request(url, address, options, signal);
      const location = response.headers.location;
      if (REDIRECTS.has(response.statusCode ?? 0) && location && (options.method ?? 'GET') === 'GET') {
        response.destroy();
        if (hop >= maxRedirects) throw fetchError('too_many_redirects', `More than ${maxRedirects} redirects`, { url: url.href });
        url = checkUrl(new URL(location, url).href);
        continue;
      }
      return await read(url, response, options, signal);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (deadline.aborted)
      throw fetchError('timeout', `No complete answer within ${timeoutMs / 1000} s`, { url: url.href }, error);
    if (options.signal?.aborted) throw error;
    throw fetchError('unreachable', `${url.host} could not be reached`, { url: url.href }, error);
  }
}

function request(url: URL, address: string, options: SafeFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  // Connect to the checked address whatever a second DNS answer would say (no rebinding between check and connect).
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    const family = isIP(address);
    if (lookupOptions.all)
      (callback as (e: null, all: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, {
      method: options.method ?? 'GET',
      headers: { 'accept-encoding': 'gzip, deflate, br', ...options.headers },
      lookup: pinned,
      agent: false,
      signal,
    });
    req.once('response', resolve);
    req.once('error', reject);
    req.end(options.body);
  });
}

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

async function read(url: URL, response: IncomingMessage, options: SafeFetchOptions, signal: AbortSignal): Promise<SafeResponse> {
  const status = response.statusCode ?? 0;
  const details = { url: url.href, status };
  const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const maxBytes = options.maxBytes ?? SAFE_FETCH_DEFAULTS.maxBytes;
  try {
    if ((status < 200 || status > 299) && !options.anyStatus)
      throw fetchError('http_status', `The server answered ${status}`, details);
    if (options.accept && !options.accept.includes(contentType))
      throw fetchError('unsupported_type', `Content type ${contentType || 'unknown'} is not read here`, details);
    if (Number(response.headers['content-length'] ?? 0) > maxBytes)
      throw fetchError('too_large', `Larger than ${maxBytes} bytes`, details);
    const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decoder = DECODERS[encoding];
    if (!decoder && encoding !== 'identity')
      throw fetchError('unsupported_type', `Content encoding ${encoding} is not read here`, details);
    // pipeline, not pipe: an aborted response must end the decoder too, or reading it would wait forever.
    const stream: Readable = decoder ? (pipeline(response, decoder(), () => {}) as unknown as Readable) : response;
    const chunks: Buffer[] = [];
    let size = 0;
    // Counted after decompression, so a small compressed bomb stops at the same limit.
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw fetchError('too_large', `Larger than ${maxBytes} bytes`, details);
      chunks.push(chunk as Buffer);
      signal.throwIfAborted();
    }
    return { url: url.href, status, headers: response.headers, contentType, body: Buffer.concat(chunks) };
  } finally {
    response.destroy();
  }
}
