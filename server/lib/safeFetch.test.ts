import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type LocalSite, redirect, startLocalSite } from '../test/localSite.js';
import { AppError } from './AppError.js';
import { isPublicAddress, type SafeFetchOptions, safeFetch } from './safeFetch.js';

let site: LocalSite;
let hostHeaders: (string | undefined)[] = [];

beforeAll(async () => {
  site = await startLocalSite({
    '/page': html('<h1>Hello</h1>'),
    '/echo-host': (req, res) => {
      hostHeaders.push(req.headers.host);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    },
    '/echo': (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, type: req.headers['content-type'], body: Buffer.concat(chunks).toString() })),
      );
    },
    '/hop1': redirect('/hop2', 301),
    '/hop2': redirect('/page', 307),
    '/loop': redirect('/loop'),
    '/to-metadata': redirect('http://169.254.169.254/latest/meta-data/'),
    '/to-internal': redirect('http://internal.test/admin'),
    '/to-file': redirect('file:///etc/passwd'),
    '/missing': html('<h1>Gone</h1>', 404),
    '/image': (_req, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(10)),
    '/declared-huge': (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-length': '99999999' }).end(),
    '/streamed-huge': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      // Chunked, no length: only counting while reading can stop it. The client hangs up long before the end.
      for (let i = 0; i < 64; i++) res.write(chunk);
      res.end();
    },
    '/gzip-bomb': (_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' })
        .end(gzipSync(Buffer.alloc(20 * 1024 * 1024, ' '))),
    '/gzipped': (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' }).end(gzipSync('<p>compressed</p>')),
    '/slow-headers': () => {},
    '/slow-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<p>start');
    },
  });
});
afterAll(() => site.close());

const allowed: SafeFetchOptions = { allowPrivateHosts: true, timeoutMs: 3000 };

async function failure(url: string, options: SafeFetchOptions) {
  const error = await safeFetch(url, options).then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('safeFetch with private hosts allowed (the local site)', () => {
  it('answers the body, its media type and the final URL after redirects', async () => {
    const response = await safeFetch(`${site.origin}/hop1`, allowed);
    expect(response).toMatchObject({ url: `${site.origin}/page`, status: 200, contentType: 'text/html' });
    expect(response.body.toString()).toBe('<h1>Hello</h1>');
    expect((await safeFetch(`${site.origin}/gzipped`, allowed)).body.toString()).toBe('<p>compressed</p>');
  });

  it('sends a POST with its body and headers (webhooks), and does not follow its redirect', async () => {
    const post: SafeFetchOptions = {
      ...allowed,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    };
    const response = await safeFetch(`${site.origin}/echo`, post);
    expect(JSON.parse(response.body.toString())).toEqual({ method: 'POST', type: 'application/json', body: '{"a":1}' });
    expect((await failure(`${site.origin}/hop1`, post)).details).toEqual({ url: `${site.origin}/hop1`, status: 301 });
  });

  it('fails each way with its own code', async () => {
    const cases: [string, string, Partial<SafeFetchOptions>?][] = [
      ['/loop', 'too_many_redirects'],
      ['/hop1', 'too_many_redirects', { maxRedirects: 1 }],
      ['/missing', 'http_status'],
      ['/image', 'unsupported_type', { accept: ['text/html'] }],
      ['/declared-huge', 'too_large'],
      ['/streamed-huge', 'too_large', { maxBytes: 256 * 1024 }],
      ['/gzip-bomb', 'too_large', { maxBytes: 1024 * 1024 }],
      ['/slow-headers', 'timeout', { timeoutMs: 300 }],
      ['/slow-body', 'timeout', { timeoutMs: 300 }],
      ['/to-file', 'unsupported_protocol'],
    ];
    for (const [path, code, options] of cases)
      expect((await failure(`${site.origin}${path}`, { ...allowed, ...options })).code, path).toBe(code);
    const notFound = await failure(`${site.origin}/missing`, allowed);
    expect(notFound.details).toEqual({ url: `${site.origin}/missing`, status: 404 });
  });

  it('refuses what is not an http(s) URL, and URLs with credentials', async () => {
    expect((await failure('not a url', allowed)).code).toBe('invalid_url');
    expect((await failure('ftp://127.0.0.1/file', allowed)).code).toBe('unsupported_protocol');
    expect((await failure('file:///etc/passwd', allowed)).code).toBe('unsupported_protocol');
    expect((await failure(`http://user:secret@127.0.0.1:${site.port}/page`, allowed)).code).toBe('invalid_url');
  });

  it('says unreachable for a host that does not resolve or a port nobody listens on', async () => {
    const noSuchHost = { ...allowed, resolve: () => Promise.reject(new Error('ENOTFOUND')) };
    expect((await failure('http://nowhere.test/', noSuchHost)).code).toBe('unreachable');
    const closed = await startLocalSite({});
    await closed.close();
    expect((await failure(`${closed.origin}/`, allowed)).code).toBe('unreachable');
  });
});

describe('safeFetch refuses private addresses by default, before connecting', () => {
  const refuse: SafeFetchOptions = { allowPrivateHosts: false, timeoutMs: 1000 };

  it('classifies addresses: only global unicast is public', () => {
    for (const address of ['8.8.8.8', '2606:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
    const privateOnes = [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2002:a00:1::',
      'not an address',
    ];
    for (const address of privateOnes) expect(isPublicAddress(address), address).toBe(false);
  });

  it('refuses loopback, private ranges, the metadata address and IPv6 loopback given as literals', async () => {
    const urls = [
      `${site.origin}/page`,
      `http://[::1]:${site.port}/page`,
      `http://[::ffff:127.0.0.1]:${site.port}/page`,
      'http://2130706433/', // 127.0.0.1 as a number
      'http://10.0.0.1/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::1]/',
    ];
    const before = site.connections;
    for (const url of urls) expect((await failure(url, refuse)).code, url).toBe('private_address');
    expect(site.connections).toBe(before);
  });

  it('refuses a host name that resolves to a private address, even when it also has a public one', async () => {
    const before = site.connections;
    expect((await failure(`http://localhost:${site.port}/page`, refuse)).code).toBe('private_address');
    const mixed = { ...refuse, resolve: async () => ['93.184.216.34', '10.1.2.3'] };
    expect((await failure('http://intranet.test/', mixed)).code).toBe('private_address');
    expect(site.connections).toBe(before);
  });

  it('re-checks every redirect hop: a public-looking host that redirects into a private address is refused', async () => {
    // public.test stands for a public host: its address (the local site) is the only one let through.
    const options: SafeFetchOptions = {
      ...refuse,
      resolve: async (host) => (host === 'public.test' ? ['127.0.0.1'] : ['10.0.0.7']),
      isAllowedAddress: (address) => address === '127.0.0.1',
    };
    const before = site.requests.length;
    expect((await failure(`http://public.test:${site.port}/to-metadata`, options)).code).toBe('private_address');
    expect((await failure(`http://public.test:${site.port}/to-internal`, options)).code).toBe('private_address');
    expect(site.requests.slice(before)).toEqual(['/to-metadata', '/to-internal']);
  });

  it('connects to the address it checked, once resolved, keeping the host name for the Host header', async () => {
    let lookups = 0;
    hostHeaders = [];
    const options: SafeFetchOptions = {
      ...refuse,
      // A rebinding resolver: a checked answer first, a private one for any later lookup.
      resolve: async () => (lookups++ === 0 ? ['127.0.0.1'] : ['10.0.0.9']),
      isAllowedAddress: (address) => address === '127.0.0.1',
    };
    const response = await safeFetch(`http://rebind.test:${site.port}/echo-host`, options);
    expect(response.body.toString()).toBe('ok');
    expect(lookups).toBe(1);
    expect(hostHeaders).toEqual([`rebind.test:${site.port}`]);
  });
});
