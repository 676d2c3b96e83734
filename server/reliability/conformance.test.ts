import { afterAll, describe, expect, it } from 'vitest';
import { ErrorBody } from '../../contract/common.js';
import { userHashFor } from '../domain/sessionService.js';
import { readBody } from '../test/liveStream.js';
import {
  type ApiOperation,
  documentVerdict,
  type GeneratedRequest,
  generateRequests,
  listOperations,
  type OpenApiDocument,
  responseVerdict,
  urlOf,
} from '../test/openapi/requests.js';
import { example } from '../test/openapi/samples.js';
import { reportFigures, Tally } from '../test/reliability/figures.js';
import { PAGE_ORIGIN, seedVisitor, uploadImage } from '../test/reliability/seedTenant.js';
import { startTestApp } from '../test/testApp.js';

/**
 * Schemathesis' check, in the suite: requests generated from the served OpenAPI document itself,
 * one schema keyword broken at a time (plus values sitting exactly on each edge), sent with valid
 * auth and real ids. The document is the oracle (`documentVerdict`): what it calls invalid must be
 * refused with 400 in the error shape, what it calls valid must not be, and nothing may answer 5xx.
 */

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const document = (await (await app.request('/v1/openapi.json')).json()) as OpenApiDocument;
const site = await app.createSite({
  name: 'Conformance',
  allowedOrigins: [PAGE_ORIGIN],
  identityVerification: true,
  faq: [{ question: 'Hi?', answer: 'Hello.' }],
  leadCapture: { enabled: true, name: 'optional', email: 'optional' },
});
const patchTarget = await app.createSite({ name: 'Patch target' });
const visitor = await seedVisitor(app, site, 'conformance');
const visitorRequest = (path: string, init: RequestInit & { json?: unknown } = {}) =>
  app.request(path, { ...init, token: visitor.token, headers: { origin: PAGE_ORIGIN } });
// Second items, so that every list has a real `nextCursor` to page with.
await visitorRequest('/v1/widget/conversations', { method: 'POST', json: {} });
await uploadImage(app, visitor.token, { conversationId: visitor.conversation.id });
for (const title of ['First snippet', 'Second snippet'])
  await app.admin(`/v1/admin/sites/${patchTarget.id}/sources`, { method: 'POST', json: { type: 'text', title, text: title } });
// Two questions its knowledge does not answer, so its unanswered list has a second page.
const asker = await app.startVisitor(patchTarget.publicKey);
for (const question of ['Where can I park my car?', 'Do you sell gift cards?'])
  await asker.send((await asker.newConversation()).id, question, `unanswered-${question.length}`);
for (const userId of ['nobody-1', 'nobody-2'])
  await app.admin(`/v1/admin/sites/${patchTarget.id}/erasures`, { method: 'POST', json: { userId } });
const absentId = 'f'.repeat(24);
// A webhook with two logged attempts (test events to a private address, refused), so its log has a second page.
const webhook = (await (
  await app.admin('/v1/admin/webhooks', {
    method: 'POST',
    json: { url: 'http://127.0.0.1:9/conformance', events: ['lead.captured'] },
  })
).json()) as { id: string };
for (let i = 0; i < 2; i++) await app.admin(`/v1/admin/webhooks/${webhook.id}/test`, { method: 'POST' });
for (let tries = 0; tries < 200; tries++) {
  if ((await app.models.WebhookAttempt.countDocuments({ webhookId: webhook.id })) >= 2) break;
  await new Promise((resolve) => setTimeout(resolve, 25));
}

/** The real id a route's `{id}` gets, from the collection it names. Deletions get one that does not exist. */
function idFor(method: string, path: string): string {
  if (method === 'delete') return absentId;
  const collection = /\/([a-z]+)\/\{(?:id|siteId)\}/.exec(path)?.[1];
  if (collection === 'sites') return path.startsWith('/v1/admin') ? patchTarget.id : site.id;
  if (collection === 'conversations') return visitor.conversation.id;
  if (collection === 'messages') return visitor.answer.id;
  if (collection === 'images') return visitor.image.id;
  if (collection === 'webhooks') return webhook.id;
  return absentId;
}

let sequence = 0;
/** Values the document cannot invent: keys, tokens, ids and hashes that must exist. Functions run per request. */
const REAL_VALUES: Record<string, Record<string, unknown>> = {
  'POST /v1/widget/sessions': {
    siteKey: site.publicKey,
    visitorToken: visitor.token,
    user: { id: 'user-1', name: 'Ada', email: 'ada@example.com', userHash: userHashFor(site.identitySecret ?? '', 'user-1') },
  },
  'POST /v1/widget/conversations/{id}/messages': { text: 'hello', clientMessageId: () => `conformance-${sequence++}` },
  'POST /v1/widget/leads': { conversationId: visitor.conversation.id },
  'GET /v1/admin/conversations': { siteId: site.id },
  'GET /v1/admin/images': { siteId: site.id },
  'GET /v1/admin/stats': { siteId: site.id },
};
/** Names whose valid-looking values the server may still refuse as bad input: they must be ones it issued. */
const ISSUED = new Set(['cursor']);

const tally = new Tally();
const figures = {
  operations: 0,
  requests: 0,
  invalidRefused: 0,
  validAccepted: 0,
  answersChecked: 0,
  answersOffContract: 0,
  disagreements: 0,
};
const disagreements: string[] = [];

async function realCursor(path: string, token: string | undefined): Promise<string | undefined> {
  const res = await app.request(`${path}?limit=1`, { token, headers: { origin: PAGE_ORIGIN } });
  return ((await res.json()) as { nextCursor?: string | null }).nextCursor ?? undefined;
}

/** Valid values for every parameter and the body: generated from the document, real where they must exist. */
async function baseRequest(operation: ApiOperation, token: string | undefined) {
  const real = REAL_VALUES[operation.key] ?? {};
  const params: Record<string, unknown> = {};
  for (const p of operation.parameters)
    params[p.name] = p.in === 'path' ? idFor(operation.method, operation.path) : (real[p.name] ?? example(p.schema, document));
  if ('cursor' in params) {
    params.cursor = await realCursor(operation.path.replace(/\{(?:id|siteId)\}/, String(params.id ?? params.siteId)), token);
    expect(params.cursor, `${operation.key} has a second page to ask for`).toBeDefined();
  }
  const realBody = Object.fromEntries(
    Object.entries(real).map(([name, value]) => [name, typeof value === 'function' ? value() : value]),
  );
  const body = operation.body ? { ...(example(operation.body, document) as object), ...realBody } : undefined;
  return { params, body };
}

/**
 * Where the document finds a request invalid, as a field path inside its part: `body.faq[0].question: …` →
 * `faq.0.question`, `body: misses required email` → `email`, `limit: …` → `limit`; empty for the whole body (a union
 * no branch took).
 */
function reasonPath(reason: string): string {
  const [where = '', why = ''] = reason.split(/: (.*)/s);
  const key = /^(?:misses required|has unexpected) (\S+)/.exec(why)?.[1];
  return [where.replace(/^body\.?/, '').replace(/\[(\d+)\]/g, '.$1'), key].filter(Boolean).join('.');
}

/**
 * A refusal of the edge validation (`invalid_request`) must name in `details.fields` a field where the document finds
 * the request invalid (that field, one inside it, or the object holding it): why not, or null when it does.
 */
function unnamedField(json: unknown, reasons: string[]): string | null {
  const error = ErrorBody.safeParse(json ?? null).data?.error;
  if (error?.code !== 'invalid_request') return null;
  const fields = error.details?.fields ?? [];
  if (fields.length === 0) return 'the refusal names no field (details.fields)';
  const expected = reasons.map(reasonPath);
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`);
  if (expected.includes('') || fields.some((f) => expected.some((path) => related(f.path, path)))) return null;
  return `the refusal names ${fields.map((f) => `${f.in}.${f.path}`).join(', ')}, the document ${expected.join(', ')}`;
}

/** The body to send: per-request values (a fresh clientMessageId) renewed unless the request is about them. */
function freshBody(operation: ApiOperation, request: GeneratedRequest): unknown {
  if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) return request.body;
  const body = { ...(request.body as Record<string, unknown>) };
  for (const [name, value] of Object.entries(REAL_VALUES[operation.key] ?? {}))
    if (typeof value === 'function' && name in body && request.about !== name) body[name] = value();
  return body;
}

describe('requests generated from /v1/openapi.json', () => {
  const operations = listOperations(document);

  it('the document lists every route, each with its security', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const path of Object.values(document.paths))
      for (const operation of Object.values(path)) expect(operation.security).toBeDefined();
  });

  it.each(operations)('$key: invalid requests are refused with 400, valid ones are not', async (operation) => {
    const token =
      operation.scheme === 'visitorToken' ? visitor.token : operation.scheme === 'adminToken' ? app.adminToken : undefined;
    if (operation.parameters.length > 0 || operation.body) figures.operations++;
    const requests = generateRequests(operation, await baseRequest(operation, token), document);
    for (const generated of requests) {
      const request = { ...generated, body: freshBody(operation, generated) };
      const reasons = documentVerdict(operation, request, document);
      const init = { method: operation.method.toUpperCase(), token, headers: { origin: PAGE_ORIGIN } };
      const res = await app.request(urlOf(operation, request), operation.body ? { ...init, json: request.body } : init);
      const text = await readBody(res);
      tally.count(res.status);
      figures.requests++;
      const json = res.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
      const promised = responseVerdict(operation, res.status, json, document, res.headers.get('content-type') ?? '');
      if (promised) figures.answersChecked++;
      if (promised && promised.length > 0) {
        figures.answersOffContract++;
        disagreements.push(
          `${operation.key} ${request.what}: the answer ${res.status} is not what the document promises (${promised[0]})`,
        );
      }
      const shaped = res.status < 400 || ErrorBody.safeParse(json ?? null).success;
      const issued = ISSUED.has(request.about ?? '');
      const unnamed = reasons.length > 0 && res.status === 400 ? unnamedField(json, reasons) : null;
      if (unnamed) disagreements.push(`${operation.key} ${request.what}: ${unnamed}`);
      else if (reasons.length > 0 && res.status === 400 && shaped) figures.invalidRefused++;
      else if (reasons.length === 0 && res.status < 500 && shaped && (res.status !== 400 || issued)) figures.validAccepted++;
      else
        disagreements.push(
          `${operation.key} ${request.what}: the document says ${reasons.length > 0 ? `invalid (${reasons[0]})` : 'valid'}, the server answered ${res.status} ${text.slice(0, 160)}`,
        );
    }
  });

  it('agrees with the document on every request', () => {
    figures.disagreements = disagreements.length;
    reportFigures('conformance', { ...figures, serverErrors: tally.serverErrors });
    expect(disagreements).toEqual([]);
    expect(tally.serverErrors).toBe(0);
  });
});
