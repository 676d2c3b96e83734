import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../contract/common.js';
import { loadConfig } from '../config.js';
import { createServer } from '../createServer.js';
import { DEFAULT_RATE_LIMITS, type RateLimitSettings } from '../http/middleware/rateLimits.js';
import { apiRoutes } from '../http/routes/openapi.js';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, startWebServer } from '../http/server.js';
import { clerkTestKit } from '../test/clerkTokens.js';
import { json } from '../test/json.js';
import { reportFigures } from '../test/reliability/figures.js';
import { fillPath, routeKey } from '../test/reliability/routeTable.js';
import { PAGE_ORIGIN, uploadImage } from '../test/reliability/seedTenant.js';
import { startTestApp } from '../test/testApp.js';

/**
 * Abuse: the default rate limits answer 429 with Retry-After and the error shape, then let the visitor
 * back in; foreign pages cannot use a site; the built widget holds no secret; security headers are set.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WINDOW_MS = 10_000;
// The default limits, counted in a short window so recovery is seen within the test.
const app = await startTestApp(import.meta.url, { rateLimits: { ...DEFAULT_RATE_LIMITS, windowMs: WINDOW_MS } });
const clerk = await clerkTestKit();
const hosted = await startTestApp(new URL('./abuse.clerk.test.ts', import.meta.url).href, { adminAuth: clerk.auth });
// Behind one proxy (here on loopback): the client is the address that proxy appended.
const proxied = await startTestApp(new URL('./abuse.proxied.test.ts', import.meta.url).href, {
  rateLimits: { ...DEFAULT_RATE_LIMITS, windowMs: WINDOW_MS },
  env: { TRUST_PROXY: '1' },
});
// Every limit at 3, to walk every write route to its 429.
const TINY_LIMIT = 3;
const tiny = await startTestApp(new URL('./abuse.tiny.test.ts', import.meta.url).href, {
  rateLimits: {
    ...(Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((name) => [name, TINY_LIMIT])) as unknown as RateLimitSettings),
    windowMs: WINDOW_MS,
  },
});
// Uploads never attached to a message: a small per-site cap, on a clock the test moves.
let clock = Date.now();
const PENDING_CAP = 3;
const pending = await startTestApp(new URL('./abuse.pending.test.ts', import.meta.url).href, {
  services: { now: () => new Date(clock), unattachedImagesPerSite: { count: PENDING_CAP, bytes: 50 * 1024 ** 2 } },
});
afterAll(async () => {
  await app.close();
  await hosted.close();
  await proxied.close();
  await tiny.close();
  await pending.close();
});

const figures = {
  rateLimited429: 0,
  spoofedAddressesIgnored: 0,
  writeRoutesLimited: 0,
  failedSignInsRefused: 0,
  unattachedUploadsRefused: 0,
  slowBodiesCut: 0,
  foreignOriginsRefused: 0,
  bundleFilesScanned: 0,
  secretsFound: 0,
  headerChecks: 0,
};

/** A documentation-range address (TEST-NET-1), different on every call. */
let addressCount = 0;
const randomAddress = () => `192.0.2.${(addressCount++ % 254) + 1}`;

async function expectLimited(res: Response, what: RegExp) {
  expect(res.status).toBe(429);
  figures.rateLimited429++;
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));
  const body = ErrorBody.parse(await res.json());
  expect(body.error.code).toBe('rate_limited');
  expect(body.error.message).toMatch(what);
  return retryAfter;
}

describe('rate limits (defaults, short window)', () => {
  it('sends per visitor, per IP, sessions per IP and uploads per visitor answer 429, then recover', async () => {
    const site = await app.createSite({
      name: 'Limits',
      allowedOrigins: [PAGE_ORIGIN],
      faq: [{ question: 'Hi?', answer: 'Hello.' }],
    });
    // Visitors first (each a session), then the rest of the session budget.
    const visitors = [];
    for (let i = 0; i < 8; i++) visitors.push(await app.startVisitor(site.publicKey));
    const [first, ...others] = visitors;
    if (!first) throw new Error('no visitor');
    const conversation = await first.newConversation();
    let retryAfter = 0;

    // Requests count before their body is read: invalid sends cost the limiter as much as real ones.
    const sendInvalid = (v: typeof first) =>
      v.request(`/v1/widget/conversations/${conversation.id}/messages`, { method: 'POST', json: {} });
    for (let i = 0; i < DEFAULT_RATE_LIMITS.sendsPerVisitorPerMinute; i++) expect((await sendInvalid(first)).status).toBe(400);
    retryAfter = Math.max(retryAfter, await expectLimited(await sendInvalid(first), /messages/));

    // The IP's budget is shared by every visitor behind it (the 429 above counted too).
    let ipCount = DEFAULT_RATE_LIMITS.sendsPerVisitorPerMinute + 1;
    let ipLimited: Response | undefined;
    for (let i = 0; !ipLimited && i < 200; i++) {
      const v = others[i % others.length] as typeof first;
      const res = await sendInvalid(v);
      ipCount++;
      if (res.status === 429) ipLimited = res;
    }
    expect(ipCount).toBe(DEFAULT_RATE_LIMITS.sendsPerIpPerMinute + 1);
    retryAfter = Math.max(retryAfter, await expectLimited(ipLimited as Response, /messages/));

    // A client naming a fresh address in every request still spends one budget: no proxy is trusted by default.
    const startSession = () =>
      app.request('/v1/widget/sessions', {
        method: 'POST',
        headers: { 'x-forwarded-for': randomAddress() },
        json: { siteKey: site.publicKey },
      });
    let sessions = visitors.length;
    let sessionLimited: Response | undefined;
    for (; !sessionLimited && sessions < 200; sessions++) {
      const res = await startSession();
      if (res.status === 429) sessionLimited = res;
      else expect(res.status).toBe(200);
    }
    expect(sessions).toBe(DEFAULT_RATE_LIMITS.sessionsPerIpPerMinute + 1);
    figures.spoofedAddressesIgnored += sessions - visitors.length;
    retryAfter = Math.max(retryAfter, await expectLimited(sessionLimited as Response, /sessions/));

    const emptyUpload = (token: string) =>
      app.request('/v1/widget/images', { method: 'POST', token, headers: { origin: PAGE_ORIGIN }, body: new FormData() });
    const uploader = others[0] as typeof first;
    for (let i = 0; i < DEFAULT_RATE_LIMITS.uploadsPerVisitorPerMinute; i++)
      expect((await emptyUpload(uploader.token)).status).toBe(400);
    retryAfter = Math.max(retryAfter, await expectLimited(await emptyUpload(uploader.token), /uploads/));

    // After Retry-After, the same visitor sends, uploads and a new session starts.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    const { res, events } = await first.send(conversation.id, 'Hi?', 'after-limit');
    expect(res.status).toBe(200);
    expect(events.at(-1)?.event).toBe('done');
    expect((await uploadImage(app, uploader.token)).status).toBe(201);
    expect((await startSession()).status).toBe(200);
  }, 60_000);
});

describe('client addresses behind a trusted proxy (TRUST_PROXY=1)', () => {
  it('each visitor behind the proxy has its own budget, and what the client prepends is ignored', async () => {
    const site = await proxied.createSite({ name: 'Proxied', allowedOrigins: [PAGE_ORIGIN] });
    const session = (forwardedFor: string) =>
      proxied.request('/v1/widget/sessions', {
        method: 'POST',
        headers: { 'x-forwarded-for': forwardedFor },
        json: { siteKey: site.publicKey },
      });
    const limit = DEFAULT_RATE_LIMITS.sessionsPerIpPerMinute;
    // The client writes its own X-Forwarded-For; the proxy appends the address it saw.
    for (let i = 0; i < limit; i++) expect((await session(`${randomAddress()}, 203.0.113.7`)).status).toBe(200);
    figures.spoofedAddressesIgnored += limit;
    await expectLimited(await session(`${randomAddress()}, 203.0.113.7`), /sessions/);
    // Another visitor behind the same proxy is not limited by the first one.
    expect((await session('203.0.113.8')).status).toBe(200);
  });
});

describe('limits on every write', () => {
  it('a visitor cannot create conversations or rate answers without end (defaults)', async () => {
    const site = await app.createSite({ name: 'Writes', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await app.startVisitor(site.publicKey);
    const create = () => visitor.request('/v1/widget/conversations', { method: 'POST', json: {} });
    for (let i = 0; i < DEFAULT_RATE_LIMITS.conversationsPerVisitorPerMinute; i++) expect((await create()).status).toBe(201);
    await expectLimited(await create(), /conversations/);
    const rate = () =>
      visitor.request(`/v1/widget/messages/${'0'.repeat(24)}/feedback`, { method: 'POST', json: { rating: 'up' } });
    for (let i = 0; i < DEFAULT_RATE_LIMITS.feedbackPerVisitorPerMinute; i++) expect((await rate()).status).toBe(404);
    await expectLimited(await rate(), /ratings/);
  });

  it('every write route of the route table answers 429 with Retry-After once its limit is spent', async () => {
    const site = await tiny.createSite({ name: 'Tiny', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await tiny.startVisitor(site.publicKey);
    const anyId = 'f'.repeat(24);
    const writes = apiRoutes.filter((route) => route.method !== 'get');
    for (const route of writes) {
      const path = fillPath(route.path, anyId);
      const init: RequestInit & { json?: unknown } = route.multipart
        ? { method: 'POST', body: new FormData() }
        : { method: route.method.toUpperCase(), json: {} };
      const send = () =>
        route.auth === 'visitor'
          ? visitor.request(path, init)
          : route.auth === 'admin'
            ? tiny.admin(path, init)
            : tiny.request(path, { ...init, json: { siteKey: site.publicKey } });
      let limited: Response | undefined;
      for (let i = 0; !limited && i < 2 * TINY_LIMIT + 2; i++) {
        const res = await send();
        expect(res.status, `${routeKey(route)}: ${res.status}`).toBeLessThan(500);
        if (res.status === 429) limited = res;
        else await res.body?.cancel();
      }
      expect(limited, `${routeKey(route)} has no rate limit`).toBeDefined();
      await expectLimited(limited as Response, /Too many/);
      figures.writeRoutesLimited++;
    }
    expect(figures.writeRoutesLimited).toBe(writes.length);
  });

  it('failed admin sign-ins are counted per address: 429 for that address only, then recovery', async () => {
    const attacker = '198.51.100.9';
    const asAdmin = (token: string, address: string) =>
      proxied.request('/v1/admin/sites', { token, headers: { 'x-forwarded-for': address } });
    const limit = DEFAULT_RATE_LIMITS.failedAdminAuthsPerIpPerMinute;
    for (let i = 0; i < limit; i++) expect((await asAdmin(`wrong-token-${i}`, attacker)).status).toBe(401);
    const retryAfter = await expectLimited(await asAdmin('wrong-token-last', attacker), /failed sign-ins/);
    // Guessing right does not help from that address; the admin elsewhere is not locked out.
    expect((await asAdmin(proxied.adminToken, attacker)).status).toBe(429);
    expect((await asAdmin(proxied.adminToken, '198.51.100.10')).status).toBe(200);
    figures.failedSignInsRefused++;
    // Successful requests do not count: many from one address stay 200.
    for (let i = 0; i < limit + 5; i++) expect((await asAdmin(proxied.adminToken, '198.51.100.11')).status).toBe(200);
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    expect((await asAdmin(proxied.adminToken, attacker)).status).toBe(200);
  }, 30_000);

  it('uploads are limited per IP address (new sessions do not reset it) and per site (others still upload)', async () => {
    const site = await proxied.createSite({ name: 'Uploads', allowedOrigins: [PAGE_ORIGIN] });
    const other = await proxied.createSite({ name: 'Other uploads', allowedOrigins: [PAGE_ORIGIN] });
    const visitorAt = async (siteKey: string, address: string) => {
      const res = await proxied.request('/v1/widget/sessions', {
        method: 'POST',
        headers: { origin: PAGE_ORIGIN, 'x-forwarded-for': address },
        json: { siteKey },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { visitorToken: string }).visitorToken;
    };
    const upload = (token: string, address: string) =>
      proxied.request('/v1/widget/images', {
        method: 'POST',
        token,
        headers: { origin: PAGE_ORIGIN, 'x-forwarded-for': address },
        body: new FormData(),
      });
    // One address, a fresh session every few uploads: the address's budget still ends.
    const address = '198.51.100.20';
    let uploads = 0;
    let limited: Response | undefined;
    for (let token = ''; !limited && uploads <= DEFAULT_RATE_LIMITS.uploadsPerIpPerMinute; uploads++) {
      if (uploads % 5 === 0) token = await visitorAt(site.publicKey, address);
      const res = await upload(token, address);
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(400);
    }
    expect(uploads).toBe(DEFAULT_RATE_LIMITS.uploadsPerIpPerMinute + 1);
    await expectLimited(limited as Response, /uploads/);

    // Many addresses, one site: the site's budget ends, another site of the tenant still uploads.
    limited = undefined;
    let siteUploads = uploads - 1;
    for (let n = 0; !limited && siteUploads <= DEFAULT_RATE_LIMITS.uploadsPerSitePerMinute; n++) {
      const from = `198.51.101.${n + 1}`;
      const token = await visitorAt(site.publicKey, from);
      for (let i = 0; !limited && i < 10; i++, siteUploads++) {
        const res = await upload(token, from);
        if (res.status === 429) limited = res;
        else expect(res.status).toBe(400);
      }
    }
    expect(siteUploads).toBe(DEFAULT_RATE_LIMITS.uploadsPerSitePerMinute + 1);
    await expectLimited(limited as Response, /uploads to this site/);
    const elsewhere = await visitorAt(other.publicKey, '198.51.102.1');
    expect((await upload(elsewhere, '198.51.102.1')).status).toBe(400);
  });

  it('admin writes are limited per admin', async () => {
    const limit = DEFAULT_RATE_LIMITS.adminWritesPerMinute;
    const createSite = () => proxied.admin('/v1/admin/sites', { method: 'POST', json: { name: 'Many' } });
    // The cases above spent part of this admin's budget: start in a fresh window, so none ends mid-count.
    const first = await createSite();
    const secondsLeft = Number(/"admin-writes"; r=\d+; t=(\d+)/.exec(first.headers.get('ratelimit') ?? '')?.[1]);
    expect(secondsLeft).toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, secondsLeft * 1000 + 100));
    let created = 0;
    let limited: Response | undefined;
    for (; !limited && created <= limit; created++) {
      const res = await createSite();
      if (res.status === 429) limited = res;
      else expect(res.status).toBe(201);
    }
    expect(created).toBe(limit + 1);
    await expectLimited(limited as Response, /changes/);
    expect((await proxied.admin('/v1/admin/sites')).status).toBe(200);
  }, 30_000);
});

describe('images never attached to a message', () => {
  it('are capped per site (other sites of the tenant still upload) and swept after an hour', async () => {
    const site = await pending.createSite({ name: 'Pending', allowedOrigins: [PAGE_ORIGIN] });
    const other = await pending.createSite({ name: 'Other', allowedOrigins: [PAGE_ORIGIN] });
    const abuser = await pending.startVisitor(site.publicKey);
    const uploaded: string[] = [];
    for (let i = 0; i < PENDING_CAP; i++) {
      const res = await uploadImage(pending, abuser.token);
      expect(res.status).toBe(201);
      uploaded.push(((await res.json()) as { id: string }).id);
    }
    // New sessions do not help: the cap is the site's.
    const again = await pending.startVisitor(site.publicKey);
    const refused = await uploadImage(pending, again.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(ErrorBody.parse(await refused.json()).error.code).toBe('too_many_pending_images');
    figures.unattachedUploadsRefused++;
    expect((await uploadImage(pending, (await pending.startVisitor(other.publicKey)).token)).status).toBe(201);

    // Attaching one to a message frees its place.
    const conversation = await abuser.newConversation();
    const { res } = await abuser.send(conversation.id, 'Look', 'pending-1', [uploaded[0] as string]);
    expect(res.status).toBe(200);
    expect((await uploadImage(pending, again.token)).status).toBe(201);

    // An hour later the sweep removes what was never attached; the attached one stays.
    expect(await pending.services.images.sweepOrphans()).toBe(0);
    clock += 61 * 60_000;
    expect(await pending.services.images.sweepOrphans()).toBe(PENDING_CAP + 1);
    expect(await pending.models.Image.countDocuments({ siteId: site.id })).toBe(1);
  });
});

describe('slow request bodies', () => {
  it('a body trickled byte by byte is cut at the request timeout with 408; a long answer stream is not', async () => {
    const slowApp = express();
    slowApp.post('/upload', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
      res.json({ bytes: (req.body as Buffer).length });
    });
    // A response that lasts longer than the request timeout, like an answer's event stream.
    slowApp.get('/stream', (_req, res) => {
      res.setHeader('content-type', 'text/event-stream');
      res.flushHeaders();
      let n = 0;
      const timer = setInterval(() => {
        res.write(`data: ${n}\n\n`);
        if (++n === 6) {
          clearInterval(timer);
          res.end();
        }
      }, 300);
    });
    const web = await startWebServer(slowApp, 0, '127.0.0.1', {
      requestTimeoutMs: 1000,
      headersTimeoutMs: 500,
      checkEveryMs: 100,
    });
    try {
      const started = performance.now();
      const socket = connect(web.port, '127.0.0.1');
      await once(socket, 'connect');
      socket.write(
        'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n',
      );
      const trickle = setInterval(() => {
        if (socket.writable) socket.write('x');
      }, 50);
      let answer = '';
      socket.on('data', (chunk) => {
        answer += chunk;
      });
      await Promise.race([once(socket, 'close'), new Promise((r) => setTimeout(r, 8000))]);
      clearInterval(trickle);
      socket.destroy();
      const heldMs = performance.now() - started;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(ErrorBody.parse(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).error.code).toBe('request_timeout');
      expect(heldMs).toBeLessThan(3000);
      figures.slowBodiesCut++;

      const stream = await fetch(`${web.url}/stream`);
      expect((await stream.text()).match(/data:/g)).toHaveLength(6);
    } finally {
      await web.stop(500);
    }
  });

  it('the deployed server sets its timeouts deliberately', async () => {
    const web = await startWebServer(express(), 0);
    try {
      expect(web.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
      expect(web.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
      // 10 MB uploads must fit: at least ~1 Mbit/s over the whole request.
      expect(REQUEST_TIMEOUT_MS).toBeGreaterThanOrEqual(80_000);
      expect(REQUEST_TIMEOUT_MS).toBeLessThan(300_000);
    } finally {
      await web.stop(500);
    }
  });
});

describe('origin allowlist (hosted mode)', () => {
  it('foreign pages cannot start sessions or use a token; allowed ones can', async () => {
    const adminToken = await clerk.token({ userId: 'user_o', orgId: 'org_o', role: 'admin' });
    const site = await hosted.createSite(
      { name: 'Shop', allowedOrigins: ['https://shop.example', 'https://*.brand.example'] },
      adminToken,
    );
    const session = (origin?: string) =>
      hosted.request('/v1/widget/sessions', {
        method: 'POST',
        headers: origin ? { origin } : {},
        json: { siteKey: site.publicKey },
      });
    for (const allowed of ['https://shop.example', 'https://a.brand.example', 'https://x.y.brand.example'])
      expect((await session(allowed)).status, allowed).toBe(200);
    const foreign = [
      undefined,
      'https://evil.example',
      'http://shop.example',
      'https://shop.example:8443',
      'https://shop.example.evil.com',
      'https://evilshop.example',
      'https://brand.example',
      'https://a.brand.example.evil.com',
      'https://abrand.example',
      'null',
      'http://localhost:5173',
      'http://127.0.0.1:3000',
      'https://shop.example/',
      'file://',
    ];
    for (const origin of foreign) {
      const res = await session(origin);
      expect(res.status, String(origin)).toBe(403);
      expect(ErrorBody.safeParse(await res.json()).success).toBe(true);
      figures.foreignOriginsRefused++;
    }
    // A token obtained on an allowed page is refused from a foreign one.
    const { visitorToken } = await json(await session('https://shop.example'));
    for (const origin of ['https://evil.example', 'https://shop.example.evil.com']) {
      for (const [method, path] of [
        ['GET', '/v1/widget/conversations'],
        ['POST', '/v1/widget/conversations'],
      ] as const) {
        const res = await hosted.request(path, {
          method,
          token: visitorToken,
          headers: { origin },
          ...(method === 'POST' ? { json: {} } : {}),
        });
        expect(res.status, `${method} ${path} from ${origin}`).toBe(403);
        figures.foreignOriginsRefused++;
      }
    }
    const fromShop = await hosted.request('/v1/widget/conversations', {
      token: visitorToken,
      headers: { origin: 'https://shop.example' },
    });
    expect(fromShop.status).toBe(200);
  });
});

/** Every file of a built folder, without the build's compressed copies (.br, .gz) of those files. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !/\.(?:br|gz)$/.test(name))
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Key-shaped strings: provider prefixes, PEM blocks, and long hex/base64 runs next to key-ish words. */
const SECRET_PATTERNS: [string, RegExp][] = [
  ['Clerk/Stripe-style secret key', /\bsk_(?:test|live)_[A-Za-z0-9]{10,}/],
  ['secret key prefix', /\bsk_[A-Za-z0-9]{16,}/],
  ['Google API key', /AIza[0-9A-Za-z_-]{35}/],
  ['ImageKit private key', /\bprivate_[A-Za-z0-9+/=]{10,}/],
  ['PEM block', /-----BEGIN [A-Z ]*(?:PRIVATE|PUBLIC) KEY-----/],
  [
    'server environment name',
    /\b(?:CLERK_SECRET_KEY|GEMINI_API_KEY|IMAGEKIT_PRIVATE_KEY|ADMIN_TOKEN|VISITOR_TOKEN_SECRET|MONGODB_URI)\b/,
  ],
  ['credentials in a URL', /mongodb(?:\+srv)?:\/\/[^/\s'"]+:[^@\s'"]+@/],
  ['hex run near a key word', /(?:key|secret|token|password)["'\s:=]{1,6}["'][0-9a-f]{32,}["']/i],
  ['base64 run near a key word', /(?:key|secret|token|password)["'\s:=]{1,6}["'][A-Za-z0-9+/_-]{40,}={0,2}["']/i],
];

describe('the built widget holds no secret', () => {
  it('scans dist/widget and dist/widget-esm for key-shaped strings', () => {
    const dirs = ['widget', 'widget-esm'].map((name) => join(root, 'dist', name));
    for (const dir of dirs) expect(existsSync(dir), `${dir} is built first (npm test runs the Rollup build)`).toBe(true);
    const found: string[] = [];
    for (const file of dirs.flatMap(filesUnder)) {
      figures.bundleFilesScanned++;
      const text = readFileSync(file, 'utf8');
      for (const [what, pattern] of SECRET_PATTERNS) {
        const match = pattern.exec(text);
        if (match) found.push(`${file.slice(root.length + 1)}: ${what}: ${match[0].slice(0, 60)}`);
      }
      // The widget is a browser bundle: no server code, no environment.
      if (/process\.env\.(?!NODE_ENV)/.test(text)) found.push(`${file}: reads process.env`);
      if (/from ['"](?:mongoose|express|jose|sharp|@clerk\/express|@google\/genai)['"]/.test(text))
        found.push(`${file}: server import`);
    }
    figures.secretsFound = found.length;
    expect(figures.bundleFilesScanned).toBeGreaterThan(2);
    expect(found).toEqual([]);
  });

  it('the scanner itself catches planted secrets', () => {
    const planted = [
      'const k="sk_test_abcdefghijklmnop1234"',
      'x="AIzaSyA1234567890abcdefghijklmnopqrstuv"',
      'y="private_abcdefghijklmn="',
      '-----BEGIN RSA PRIVATE KEY-----',
      'apiKey:"0123456789abcdef0123456789abcdef"',
      'token = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlq"',
    ];
    for (const text of planted)
      expect(
        SECRET_PATTERNS.some(([, p]) => p.test(text)),
        text,
      ).toBe(true);
  });
});

describe('security headers', () => {
  /** A static-serving app built from these settings, and the dashboard's CSP as directive -> sources. */
  async function dashboardPolicy(env: Record<string, string>) {
    // Composed like main.ts (the built parts served from the repository), over this file's database; no workers.
    const composed = await createServer(loadConfig({ DATA_DIR: app.dataDir, LOG_LEVEL: 'silent', ...env }), {
      database: { connection: app.connection, ping: async () => {} },
      demoSite: false,
    });
    const web = await startWebServer(composed.app, 0);
    const dashboard = await fetch(`${web.url}/dashboard/`);
    const csp = dashboard.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
        .map(([k, ...v]) => [k, v]),
    );
    return { web, dashboard, directives };
  }

  it('the dashboard CSP names only the hosts it uses: Clerk and ImageKit when configured, no https: wildcard', async () => {
    const local = await dashboardPolicy({});
    await local.web.stop(500);
    const clerkHost = 'clerk.chatwidget.example';
    const configured = await dashboardPolicy({
      CLERK_SECRET_KEY: 'sk_test_csp',
      CLERK_PUBLISHABLE_KEY: `pk_live_${Buffer.from(`${clerkHost}$`).toString('base64')}`,
      IMAGEKIT_PRIVATE_KEY: 'private_csp',
      IMAGEKIT_URL_ENDPOINT: 'https://ik.imagekit.io/chatwidget',
    });
    await configured.web.stop(500);
    for (const { directives } of [local, configured]) {
      for (const [name, sources] of directives) {
        expect(sources).not.toContain('https:');
        expect(sources).not.toContain('*');
        // The pages' empty favicon (`data:,`) is the one data: URL they load.
        if (name !== 'img-src') expect(sources).not.toContain('data:');
        expect(sources.filter((s) => s.includes('*'))).toEqual([]);
      }
      figures.headerChecks += 1;
    }
    expect(local.directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(local.directives.get('connect-src')).toEqual(["'self'"]);
    expect(local.directives.get('script-src')).toEqual(["'self'"]);
    expect(configured.directives.get('img-src')).toEqual([
      "'self'",
      'data:',
      'blob:',
      'https://ik.imagekit.io',
      'https://img.clerk.com',
    ]);
    expect(configured.directives.get('connect-src')).toEqual(["'self'", `https://${clerkHost}`]);
    expect(configured.directives.get('script-src')).toContain(`https://${clerkHost}`);
  });

  it('the API and the dashboard send nosniff, frame options and the dashboard a strict CSP', async () => {
    const { web, dashboard, directives } = await dashboardPolicy({});
    try {
      expect(dashboard.status).toBe(200);
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')).toContain("'self'");
      expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
      expect(directives.get('script-src')).not.toContain("'unsafe-eval'");
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors')).toBeDefined();
      expect(directives.get('base-uri')).toBeDefined();

      const responses = [
        dashboard,
        await fetch(`${web.url}/widget.js`),
        await fetch(`${web.url}/healthz`),
        await app.request('/v1/admin/sites'),
        await app.request('/v1/widget/conversations', { headers: { origin: PAGE_ORIGIN } }),
        await app.request('/no/such/route'),
      ];
      for (const res of responses) {
        expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
        expect(res.headers.get('x-frame-options'), res.url).toMatch(/^(SAMEORIGIN|DENY)$/);
        expect(res.headers.get('x-powered-by'), res.url).toBeNull();
        expect(res.headers.get('referrer-policy'), res.url).toBeTruthy();
        figures.headerChecks += 4;
      }
      // Admin answers are never cached.
      const admin = await app.admin('/v1/admin/sites');
      expect(admin.headers.get('cache-control')).toBe('no-store');
    } finally {
      await web.stop(500);
    }
  });
});

afterAll(() => {
  reportFigures('abuse', figures);
});
