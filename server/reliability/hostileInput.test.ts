import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../contract/common.js';
import { messageIdFor } from '../data/messageRepository.js';
import { userHashFor } from '../domain/sessionService.js';
import { apiRoutes } from '../http/routes/openapi.js';
import { json } from '../test/json.js';
import { readBody } from '../test/liveStream.js';
import { reportFigures, Tally } from '../test/reliability/figures.js';
import {
  badContentTypes,
  HOSTILE_IDS,
  HOSTILE_RAW_SEGMENTS,
  type HostileCase,
  hostileBodies,
  hostileQueries,
  toJson,
} from '../test/reliability/hostileCases.js';
import { type ApiRoute, fillPath, hasIdParam, perRoute, routeKey } from '../test/reliability/routeTable.js';
import { PAGE_ORIGIN, seedVisitor, tinyPng } from '../test/reliability/seedTenant.js';
import { startTestApp } from '../test/testApp.js';

/**
 * Hostile input generated from the route table and its zod schemas, for every route. The contract is
 * the oracle: whatever it rejects must get a 4xx in the documented error shape; nothing may get a 5xx;
 * the server answers /healthz afterwards and nothing leaked into Object.prototype.
 */

// A known token secret, so a case can sign a token the server would otherwise accept.
const TOKEN_SECRET = randomBytes(32).toString('base64url');
const app = await startTestApp(import.meta.url, { services: { visitorTokenSecret: TOKEN_SECRET } });
afterAll(() => app.close());

const site = await app.createSite({
  name: 'Hostile',
  allowedOrigins: [PAGE_ORIGIN],
  faq: [{ question: 'Hi?', answer: 'Hello.' }],
  leadCapture: { enabled: true, name: 'optional', email: 'optional' },
});
const patchTarget = await app.createSite({ name: 'Patch target' });
const visitor = await seedVisitor(app, site, 'hostile');
const absentId = 'f'.repeat(24);
// A webhook to aim the id routes at (its deliveries, if any, are refused: a private address).
const webhook = (await (
  await app.admin('/v1/admin/webhooks', {
    method: 'POST',
    json: { url: 'http://127.0.0.1:9/hostile', events: ['lead.captured'] },
  })
).json()) as { id: string };
// An identified visitor's token, revoked by rotating the secret it was verified with.
const verified = await app.createSite({ name: 'Verified', allowedOrigins: [PAGE_ORIGIN], identityVerification: true });
const revoked = (
  await app.startVisitor(verified.publicKey, {
    user: { id: 'user-h', userHash: userHashFor(verified.identitySecret ?? '', 'user-h') },
  })
).token;
await app.admin(`/v1/admin/sites/${verified.id}`, { method: 'PATCH', json: { rotateIdentitySecret: true } });

const tally = new Tally();
/** This test's contract violations; all of them are counted in `violations`. */
let failures: string[] = [];
let violations = 0;
let n = 0;
beforeEach(() => {
  violations += failures.length;
  failures = [];
});

/** The id each route gets for its body cases: a real one where the body is validated before the lookup. */
const OWN_ID: Record<string, () => string> = {
  'GET /v1/widget/conversations/{id}/messages': () => visitor.conversation.id,
  'POST /v1/widget/conversations/{id}/messages': () => visitor.conversation.id,
  'POST /v1/widget/messages/{id}/retry': () => visitor.answer.id,
  'POST /v1/widget/messages/{id}/feedback': () => visitor.answer.id,
  'GET /v1/admin/sites/{id}': () => patchTarget.id,
  'PATCH /v1/admin/sites/{id}': () => patchTarget.id,
  'POST /v1/admin/sites/{id}/identity-secret': () => patchTarget.id,
  // Deletions get an id that does not exist, so the walk never removes what it needs.
  'DELETE /v1/admin/sites/{id}': () => absentId,
  'GET /v1/admin/conversations/{id}': () => visitor.conversation.id,
  'GET /v1/admin/conversations/{id}/messages': () => visitor.conversation.id,
  'DELETE /v1/admin/conversations/{id}': () => absentId,
  'GET /v1/admin/jobs/{id}': () => absentId,
  'GET /v1/admin/sites/{id}/usage': () => patchTarget.id,
  'POST /v1/widget/conversations/{id}/handoff': () => visitor.conversation.id,
  'GET /v1/widget/conversations/{id}/events': () => visitor.conversation.id,
  // Handoff actions get an id that does not exist: the walk leaves the seeded conversation with the assistant.
  'POST /v1/admin/conversations/{id}/takeover': () => absentId,
  'POST /v1/admin/conversations/{id}/release': () => absentId,
  'POST /v1/admin/conversations/{id}/close': () => absentId,
  'POST /v1/admin/conversations/{id}/messages': () => absentId,
  'GET /v1/admin/sites/{id}/sources': () => patchTarget.id,
  'POST /v1/admin/sites/{id}/sources': () => patchTarget.id,
  'POST /v1/admin/sites/{id}/sources/files': () => patchTarget.id,
  'GET /v1/admin/sources/{id}': () => absentId,
  'POST /v1/admin/sources/{id}/sync': () => absentId,
  'DELETE /v1/admin/sources/{id}': () => absentId,
  'POST /v1/admin/sites/{siteId}/knowledge/search': () => patchTarget.id,
  'POST /v1/admin/sites/{siteId}/erasures': () => patchTarget.id,
  'GET /v1/admin/sites/{siteId}/removals': () => patchTarget.id,
  'GET /v1/admin/sites/{siteId}/unanswered': () => site.id,
  'POST /v1/admin/sites/{siteId}/unanswered/dismiss': () => patchTarget.id,
  'GET /v1/admin/webhooks/{id}': () => webhook.id,
  'PATCH /v1/admin/webhooks/{id}': () => webhook.id,
  'DELETE /v1/admin/webhooks/{id}': () => absentId,
  // Actions without a body get an id that does not exist, as the handoff actions do.
  'POST /v1/admin/webhooks/{id}/secret': () => absentId,
  'POST /v1/admin/webhooks/{id}/test': () => absentId,
  'GET /v1/admin/webhooks/{id}/deliveries': () => webhook.id,
};

/** A valid body per JSON route (fresh each time: sends need a new clientMessageId). */
const VALID: Record<string, (() => Record<string, unknown>) | null> = {
  'POST /v1/widget/sessions': () => ({ siteKey: site.publicKey }),
  'GET /v1/widget/conversations': null,
  'POST /v1/widget/conversations': () => ({ title: 'hostile', pageUrl: 'https://example.com/page' }),
  'GET /v1/widget/conversations/{id}/messages': null,
  'POST /v1/widget/conversations/{id}/messages': () => ({ text: 'hello', clientMessageId: `h${n++}` }),
  'POST /v1/widget/messages/{id}/retry': null,
  'POST /v1/widget/messages/{id}/feedback': () => ({ rating: 'up' }),
  'POST /v1/widget/images': null,
  'GET /v1/admin/auth/config': null,
  'GET /v1/admin/me': null,
  'PATCH /v1/admin/me': () => ({ displayName: 'Walker' }),
  'GET /v1/admin/sites': null,
  'POST /v1/admin/sites': () => ({ name: 'created by the walk' }),
  'GET /v1/admin/sites/{id}': null,
  'PATCH /v1/admin/sites/{id}': () => ({
    name: 'patched by the walk',
    leadCapture: { enabled: true, when: 'after', afterMessages: 2, name: 'optional', email: 'required' },
  }),
  'POST /v1/admin/sites/{id}/identity-secret': null,
  'DELETE /v1/admin/sites/{id}': null,
  'GET /v1/admin/conversations': null,
  'GET /v1/admin/conversations/{id}': null,
  'GET /v1/admin/conversations/{id}/messages': null,
  'DELETE /v1/admin/conversations/{id}': null,
  'GET /v1/admin/images': null,
  'GET /v1/admin/jobs/{id}': null,
  'GET /v1/admin/sites/{id}/usage': null,
  'GET /v1/admin/sites/{id}/sources': null,
  'POST /v1/admin/sites/{id}/sources': () => ({ type: 'text', title: 'walk', text: 'created by the walk' }),
  'POST /v1/admin/sites/{id}/sources/files': null,
  'GET /v1/admin/sources/{id}': null,
  'POST /v1/admin/sources/{id}/sync': null,
  'DELETE /v1/admin/sources/{id}': null,
  'POST /v1/admin/sites/{siteId}/knowledge/search': () => ({ q: 'how do I reset my password' }),
  'POST /v1/admin/sites/{siteId}/erasures': () => ({ userId: 'nobody-of-the-walk' }),
  'GET /v1/admin/sites/{siteId}/removals': null,
  'GET /v1/admin/sites/{siteId}/unanswered': null,
  'POST /v1/admin/sites/{siteId}/unanswered/dismiss': () => ({ answerIds: [absentId] }),
  'GET /v1/admin/stats': null,
  'POST /v1/widget/conversations/{id}/handoff': () => ({ email: 'visitor@example.com' }),
  'POST /v1/widget/leads': () => ({
    name: 'Hostile visitor',
    email: 'visitor@example.com',
    conversationId: visitor.conversation.id,
  }),
  'GET /v1/widget/conversations/{id}/events': null,
  'POST /v1/admin/conversations/{id}/takeover': null,
  'POST /v1/admin/conversations/{id}/release': null,
  'POST /v1/admin/conversations/{id}/close': null,
  'POST /v1/admin/conversations/{id}/messages': () => ({ text: 'an agent reply' }),
  'GET /v1/admin/events': null,
  'GET /v1/admin/webhooks': null,
  'POST /v1/admin/webhooks': () => ({ url: 'https://hooks.example.com/in', events: ['message.created'] }),
  'GET /v1/admin/webhooks/{id}': null,
  'PATCH /v1/admin/webhooks/{id}': () => ({ description: 'patched by the walk' }),
  'DELETE /v1/admin/webhooks/{id}': null,
  'POST /v1/admin/webhooks/{id}/secret': null,
  'POST /v1/admin/webhooks/{id}/test': null,
  'GET /v1/admin/webhooks/{id}/deliveries': null,
  'GET /v1/admin/exports/conversations': null,
};

const tokenFor = (route: ApiRoute) =>
  route.auth === 'admin' ? app.adminToken : route.auth === 'visitor' ? visitor.token : undefined;

/** Sends one case and checks the answer; returns the status. */
async function attempt(route: ApiRoute, c: HostileCase, rawPath?: string): Promise<number> {
  const id = c.id ?? (hasIdParam(route) ? perRoute(OWN_ID, route)() : undefined);
  const path = rawPath ?? `${fillPath(route.path, id)}${c.query !== undefined ? `?${c.query}` : ''}`;
  const token = c.token === null ? undefined : (c.token ?? tokenFor(route));
  const headers: Record<string, string> = { origin: PAGE_ORIGIN, ...c.headers };
  if (headers['content-type'] === '') delete headers['content-type'];
  const where = `${routeKey(route)} [${c.name}]`;
  let res: Response;
  try {
    res = await app.request(path, {
      method: route.method.toUpperCase(),
      token,
      headers,
      ...(c.body !== undefined && route.method !== 'get' ? { body: c.body as RequestInit['body'] } : {}),
    });
  } catch (error) {
    tally.count(0);
    failures.push(`${where}: no answer (${(error as Error).message})`);
    return 0;
  }
  tally.count(res.status);
  const text = await readBody(res);
  if (res.status >= 500) failures.push(`${where}: ${res.status} ${text.slice(0, 200)}`);
  else if (c.mustReject && (res.status < 400 || res.status >= 500)) failures.push(`${where}: accepted with ${res.status}`);
  else if (c.status !== undefined && res.status !== c.status) failures.push(`${where}: ${res.status}, not ${c.status}`);
  if (res.status >= 400) checkErrorShape(where, res, text);
  return res.status;
}

function checkErrorShape(where: string, res: Response, text: string) {
  if (!res.headers.get('content-type')?.startsWith('application/json')) {
    failures.push(`${where}: ${res.status} answered as ${res.headers.get('content-type')}: ${text.slice(0, 100)}`);
    return;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    failures.push(`${where}: ${res.status} with a body that is not JSON`);
    return;
  }
  if (!ErrorBody.safeParse(body).success) failures.push(`${where}: ${res.status} not in the error shape: ${text.slice(0, 100)}`);
  if (/\bat \S+ \(|node_modules|\.ts:\d+|\/work\/|Mongo|E11000/.test(text))
    failures.push(`${where}: internals in the answer: ${text.slice(0, 200)}`);
  if (res.status === 429 || res.status === 503)
    if (!res.headers.get('retry-after')) failures.push(`${where}: ${res.status} without Retry-After`);
}

/** Runs cases a few at a time (the sends in one conversation queue up server-side anyway). */
async function run(route: ApiRoute, cases: HostileCase[], concurrency = 6) {
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await attempt(route, c);
    }),
  );
}

const jsonRoutes = apiRoutes.filter((route) => !route.multipart && route.method !== 'get');

describe('hostile input on every route', () => {
  it('every route is known to the suite', () => {
    for (const route of apiRoutes) {
      expect(() => perRoute(VALID, route)).not.toThrow();
      if (hasIdParam(route)) expect(() => perRoute(OWN_ID, route)).not.toThrow();
    }
  });

  it.each(jsonRoutes.map((route) => [routeKey(route), route] as const))('bodies: %s', async (_key, route) => {
    const valid = perRoute(VALID, route) ?? (() => ({ anything: 1 }));
    const cases = [...hostileBodies(route, valid), ...badContentTypes(toJson(valid()))];
    await run(route, cases);
    expect(failures).toEqual([]);
  });

  it.each(apiRoutes.filter((r) => r.query).map((route) => [routeKey(route), route] as const))(
    'queries: %s',
    async (_key, route) => {
      await run(route, hostileQueries(route));
      expect(failures).toEqual([]);
    },
  );

  it.each(apiRoutes.filter(hasIdParam).map((route) => [routeKey(route), route] as const))('ids: %s', async (_key, route) => {
    const valid = perRoute(VALID, route);
    const body = valid ? toJson(valid()) : undefined;
    const headers = body ? { 'content-type': 'application/json' } : undefined;
    await run(
      route,
      HOSTILE_IDS.map((id) => ({ name: `id ${JSON.stringify(id.slice(0, 20))}`, id, body, headers, mustReject: true })),
    );
    for (const segment of HOSTILE_RAW_SEGMENTS) {
      const rawPath = route.path.replace('{id}', segment);
      await attempt(route, { name: `raw segment ${segment}`, body, headers, mustReject: true }, rawPath);
    }
    expect(failures).toEqual([]);
  });

  it.each(apiRoutes.filter((r) => r.auth !== 'none').map((route) => [routeKey(route), route] as const))(
    'credentials: %s',
    async (_key, route) => {
      const valid = perRoute(VALID, route);
      const body = valid ? toJson(valid()) : undefined;
      const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
      const none = await new SignJWT({ site: site.id, ten: 'local' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(visitor.visitorId)
        .sign(randomBytes(32));
      const noExpiry = await new SignJWT({ site: site.id, ten: 'local' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(visitor.visitorId)
        .setIssuer('chatwidget')
        .setAudience('widget')
        .setIssuedAt()
        .sign(new TextEncoder().encode(TOKEN_SECRET));
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ sub: visitor.visitorId, site: site.id, ten: 'local', iss: 'chatwidget', aud: 'widget' }),
      ).toString('base64url')}.`;
      const cases: HostileCase[] = [
        { name: 'no token', token: null, body, headers, mustReject: true },
        { name: 'empty bearer', token: null, body, headers: { ...headers, authorization: 'Bearer ' }, mustReject: true },
        { name: 'basic auth', token: null, body, headers: { ...headers, authorization: 'Basic YTpi' }, mustReject: true },
        { name: '5000-char token', token: 'x'.repeat(5000), body, headers, mustReject: true },
        { name: 'token of another secret', token: none, body, headers, mustReject: true },
        { name: 'alg none', token: unsigned, body, headers, mustReject: true },
        { name: 'server-signed token without exp', token: noExpiry, body, headers, mustReject: true },
        { name: 'identified token after a secret rotation', token: revoked, body, headers, mustReject: true },
        {
          name: 'two bearer tokens',
          token: null,
          body,
          headers: { ...headers, authorization: `Bearer a, Bearer b` },
          mustReject: true,
        },
      ];
      await run(
        route,
        cases.map((c) => ({ ...c, id: hasIdParam(route) ? perRoute(OWN_ID, route)() : undefined })),
      );
      expect(failures).toEqual([]);
    },
  );

  it("a valid send to another visitor's conversation, or to one that does not exist: 404 in the error shape, nothing of it left", async () => {
    const route = apiRoutes.find((r) => routeKey(r) === 'POST /v1/widget/conversations/{id}/messages');
    if (!route) throw new Error('no send route');
    // The send's entry goes in before the window says whose conversation it is: it must go again, with nothing stored.
    const theirs = await (await app.startVisitor(site.publicKey)).newConversation();
    for (const [name, id] of [
      ["another visitor's conversation", theirs.id],
      ['a conversation that does not exist', absentId],
    ] as const) {
      const clientMessageId = `foreign${n++}`;
      const body = toJson({ text: 'hostile', clientMessageId });
      const status = await attempt(route, {
        name,
        id,
        body,
        headers: { 'content-type': 'application/json' },
        status: 404,
        mustReject: true,
      });
      expect(status).toBe(404);
      const { messages } = app.services.repos;
      expect(await messages.findById(messageIdFor(id, clientMessageId, 'user'))).toBeNull();
      expect(await messages.findStream(messageIdFor(id, clientMessageId, 'assistant'))).toBeNull();
      expect(await app.services.repos.locks.find(id)).toBeNull();
    }
    expect(failures).toEqual([]);
  });

  it('uploads: wrong types, broken multipart, hostile names and fields, 6 MB of noise', async () => {
    const route = apiRoutes.find((r) => r.multipart);
    if (!route) throw new Error('no upload route');
    const png = await tinyPng();
    const form = (parts: [string, Blob | string, string?][]) => {
      const data = new FormData();
      for (const [name, value, filename] of parts)
        if (typeof value === 'string') data.append(name, value);
        else data.append(name, value, filename);
      return data;
    };
    const file = (bytes: Uint8Array, type = 'image/png') => new Blob([new Uint8Array(bytes)], { type });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>');
    const html = Buffer.from('<html><script>window.__xss=1</script></html>');
    const cases: HostileCase[] = [
      {
        name: 'JSON instead of multipart',
        headers: { 'content-type': 'application/json' },
        body: '{"file":"x"}',
        mustReject: true,
      },
      { name: 'no content type', headers: { 'content-type': '' }, body: 'file', mustReject: true },
      { name: 'multipart without boundary', headers: { 'content-type': 'multipart/form-data' }, body: 'x', mustReject: true },
      {
        name: 'truncated multipart',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
        body: '--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG',
        mustReject: true,
      },
      { name: 'no file field', body: form([['conversationId', visitor.conversation.id]]), mustReject: true },
      { name: 'empty file', body: form([['file', file(new Uint8Array()), 'a.png']]), mustReject: true },
      { name: 'text as png', body: form([['file', file(Buffer.from('hello')), 'a.png']]), mustReject: true },
      { name: 'svg with script', body: form([['file', file(svg, 'image/svg+xml'), 'x.svg']]), mustReject: true },
      { name: 'html as png', body: form([['file', file(html), 'x.png']]), mustReject: true },
      { name: '6 MB of noise', body: form([['file', file(randomBytes(6 * 1024 * 1024)), 'noise.png']]), mustReject: true },
      {
        name: 'two files',
        body: form([
          ['file', file(png), 'a.png'],
          ['file', file(png), 'b.png'],
        ]),
        mustReject: false,
      },
      {
        name: 'operator conversationId',
        body: form([
          ['file', file(png), 'a.png'],
          ['conversationId', '{"$gt":""}'],
        ]),
        mustReject: true,
        status: 400,
      },
      {
        name: 'conversationId that is not an id',
        body: form([
          ['file', file(png), 'a.png'],
          ['conversationId', 'not-an-id'],
        ]),
        mustReject: true,
        status: 400,
      },
      {
        name: 'huge conversationId',
        body: form([
          ['file', file(png), 'a.png'],
          ['conversationId', 'a'.repeat(5000)],
        ]),
        mustReject: true,
      },
      {
        name: 'many fields',
        body: form(Array.from({ length: 50 }, (_, i) => [`f${i}`, 'x'] as [string, string])),
        mustReject: true,
      },
    ];
    for (const name of [
      '"><img src=x onerror=alert(1)>.png',
      '../../../../etc/passwd',
      'nul\u0000.png',
      '\u202egnp.exe',
      `${'long'.repeat(500)}.png`,
      'javascript:alert(1).png',
    ])
      cases.push({
        name: `file named ${JSON.stringify(name.slice(0, 30))}`,
        body: form([['file', file(png), name]]),
        mustReject: false,
      });
    await run(route, cases, 3);
    expect(failures).toEqual([]);
  });

  it('unknown methods answer in the error shape (404, or 401 first where the router checks the token first)', async () => {
    const paths = [...new Set(apiRoutes.map((r) => fillPath(r.path, absentId)))];
    for (const path of paths) {
      for (const method of ['PUT', 'DELETE', 'PATCH']) {
        const route = apiRoutes.find((r) => fillPath(r.path, absentId) === path && r.method.toUpperCase() === method);
        if (route) continue;
        const res = await app.request(path, { method, token: app.adminToken });
        tally.count(res.status);
        const text = await res.text();
        if (res.status !== 404 && res.status !== 401) failures.push(`${method} ${path}: ${res.status}`);
        else checkErrorShape(`${method} ${path}`, res, text);
      }
    }
    expect(failures).toEqual([]);
  });

  it('headers too large for the HTTP parser still answer in the error shape', async () => {
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest(`${app.url}/v1/admin/sites?pad=${'z'.repeat(20_000)}`, {
        headers: { authorization: `Bearer ${app.adminToken}` },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            body: Buffer.concat(chunks).toString(),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
    tally.count(answer.status);
    expect(answer.status).toBe(431);
    expect(answer.type).toMatch(/^application\/json/);
    expect(ErrorBody.parse(JSON.parse(answer.body)).error.code).toBe('headers_too_large');
  });

  it('a malformed request line is answered in the error shape too', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
      socket.on('error', reject);
      socket.write('GET /v1/admin/sites HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n');
    });
    tally.count(Number(raw.slice(9, 12)));
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/content-type: application\/json/i);
    expect(ErrorBody.parse(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).error.code).toBe('bad_request');
  });

  it('the server is still up, nothing polluted Object.prototype, and the seeded data is intact', async () => {
    const health = await app.request('/healthz');
    tally.count(health.status);
    expect(health.status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('tenantId');
    const detail = await json(await app.admin(`/v1/admin/conversations/${visitor.conversation.id}`));
    expect(detail.messages.length).toBeGreaterThanOrEqual(4);
    expect(detail.messages.every((m: { conversationId: string }) => m.conversationId === visitor.conversation.id)).toBe(true);
    const sites = await json(await app.admin('/v1/admin/sites'));
    expect(sites.items.every((s: { id: string; name: string }) => typeof s.name === 'string')).toBe(true);
    const send = await (await app.startVisitor(site.publicKey)).newConversation();
    expect(send.id).toMatch(/^[a-f0-9]{24}$/);
  });
});

afterAll(() => {
  reportFigures('hostileInput', {
    requestsTried: tally.requests,
    serverErrors: tally.serverErrors,
    contractViolations: violations + failures.length,
    routes: apiRoutes.length,
    rejected4xx: [...tally.statuses].filter(([s]) => s >= 400 && s < 500).reduce((sum, [, c]) => sum + c, 0),
  });
});
