import { afterAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../data/cursor.js';
import { messageIdFor } from '../data/messageRepository.js';
import { userHashFor } from '../domain/sessionService.js';
import { clerkTestKit } from '../test/clerkTokens.js';
import { json } from '../test/json.js';
import { openLiveStream, readBody } from '../test/liveStream.js';
import { reportFigures, Tally } from '../test/reliability/figures.js';
import {
  type ApiRoute,
  adminApiRoutes,
  fillPath,
  hasIdParam,
  perRoute,
  routeKey,
  visitorApiRoutes,
} from '../test/reliability/routeTable.js';
import {
  leakedSecrets,
  PAGE_ORIGIN,
  type SeededTenant,
  seedTenant,
  seedVisitor,
  uploadImage,
} from '../test/reliability/seedTenant.js';
import { startTestApp, type TestApp } from '../test/testApp.js';

/**
 * Tenant and visitor isolation, walked from the route table: every id one tenant (or visitor) owns is
 * requested, changed and deleted with another's credentials, and every list is read with the other's
 * filters and cursors. A 2xx on someone else's id, or any of their ids, keys or text in an answer, is a leak.
 */

const clerk = await clerkTestKit();
const app = await startTestApp(import.meta.url, { adminAuth: clerk.auth });
const local = await startTestApp(new URL('./tenantIsolation.local.test.ts', import.meta.url).href);
afterAll(async () => {
  await app.close();
  await local.close();
});

const tally = new Tally();
const leaks: string[] = [];

// Valid for the whole suite: its walk outlasts the default two minutes on a loaded machine.
const expiresIn = 1800;
const tokens = {
  adminA: await clerk.token({ userId: 'user_a', orgId: 'org_a', role: 'admin', expiresIn }),
  memberA: await clerk.token({ userId: 'user_am', orgId: 'org_a', role: 'member', expiresIn }),
  adminB: await clerk.token({ userId: 'user_b', orgId: 'org_b', role: 'admin', expiresIn }),
  memberB: await clerk.token({ userId: 'user_bm', orgId: 'org_b', role: 'member', expiresIn }),
  personal: await clerk.token({ userId: 'user_p', expiresIn }),
};

// Three tenants: two organizations and a personal workspace, each with a site and a seeded visitor.
const tenants: (SeededTenant & { admin: string; member?: string })[] = [
  { ...(await seedTenant(app, 'A', tokens.adminA)), admin: tokens.adminA, member: tokens.memberA },
  { ...(await seedTenant(app, 'B', tokens.adminB)), admin: tokens.adminB, member: tokens.memberB },
  { ...(await seedTenant(app, 'P', tokens.personal)), admin: tokens.personal },
];
// Each site has an erasure receipt (of nobody), so its list of removals has something to leak.
for (const tenant of tenants)
  await app.admin(`/v1/admin/sites/${tenant.site.id}/erasures`, {
    method: 'POST',
    json: { userId: 'nobody' },
    token: tenant.admin,
  });

// Each site has a question its knowledge does not answer (with the tenant's marker), so its unanswered list has
// something to leak.
for (const tenant of tenants) {
  const visitor = await app.startVisitor(tenant.site.publicKey);
  const conversation = await visitor.newConversation();
  await visitor.send(conversation.id, `${tenant.marker} parking garage elevator?`, 'unanswered');
}

/** A knowledge file upload (multipart), sent as is every time. */
function knowledgeFile() {
  const form = new FormData();
  form.append('file', new Blob(['Intruder notes.'], { type: 'text/plain' }), 'intruder.txt');
  return form;
}

/** A valid body per route, so a refusal is about who asks, not about what is sent. */
const ADMIN_BODIES: Record<string, unknown> = {
  'GET /v1/admin/me': undefined,
  'PATCH /v1/admin/me': { displayName: 'Intruder' },
  'GET /v1/admin/sites': undefined,
  'POST /v1/admin/sites': { name: 'Intruder site', allowedOrigins: ['https://evil.example'] },
  'GET /v1/admin/sites/{id}': undefined,
  'PATCH /v1/admin/sites/{id}': { name: 'pwned', allowedOrigins: ['https://evil.example'], rotateIdentitySecret: true },
  'POST /v1/admin/sites/{id}/identity-secret': undefined,
  'DELETE /v1/admin/sites/{id}': undefined,
  'GET /v1/admin/sites/{id}/sources': undefined,
  'POST /v1/admin/sites/{id}/sources': { type: 'text', title: 'Intruder source', text: 'pwned' },
  'POST /v1/admin/sites/{id}/sources/files': knowledgeFile(),
  'GET /v1/admin/sources/{id}': undefined,
  'POST /v1/admin/sources/{id}/sync': undefined,
  'DELETE /v1/admin/sources/{id}': undefined,
  'GET /v1/admin/conversations': undefined,
  'GET /v1/admin/conversations/{id}': undefined,
  'GET /v1/admin/conversations/{id}/messages': undefined,
  'DELETE /v1/admin/conversations/{id}': undefined,
  'GET /v1/admin/images': undefined,
  'GET /v1/admin/jobs/{id}': undefined,
  'GET /v1/admin/sites/{id}/usage': undefined,
  'POST /v1/admin/sites/{siteId}/knowledge/search': { q: 'question answer' },
  'POST /v1/admin/sites/{siteId}/erasures': { userId: 'user-of-the-owner' },
  'GET /v1/admin/sites/{siteId}/removals': undefined,
  'GET /v1/admin/sites/{siteId}/unanswered': undefined,
  'POST /v1/admin/sites/{siteId}/unanswered/dismiss': { answerIds: ['f'.repeat(24)] },
  'GET /v1/admin/stats': undefined,
  'POST /v1/admin/conversations/{id}/takeover': undefined,
  'POST /v1/admin/conversations/{id}/release': undefined,
  'POST /v1/admin/conversations/{id}/close': undefined,
  'POST /v1/admin/conversations/{id}/messages': { text: 'An intruder replies' },
  'GET /v1/admin/events': undefined,
  'GET /v1/admin/webhooks': undefined,
  'POST /v1/admin/webhooks': { url: 'https://hooks.example.com/intruder', events: ['message.created'] },
  'GET /v1/admin/webhooks/{id}': undefined,
  'PATCH /v1/admin/webhooks/{id}': { url: 'https://evil.example/steal', enabled: true },
  'DELETE /v1/admin/webhooks/{id}': undefined,
  'POST /v1/admin/webhooks/{id}/secret': undefined,
  'POST /v1/admin/webhooks/{id}/test': undefined,
  'GET /v1/admin/webhooks/{id}/deliveries': undefined,
  'GET /v1/admin/exports/conversations': undefined,
};

/** Reads only org:admin may make (webhook URLs and their logs are settings): members get 403. */
const ADMIN_ONLY_READS = new Set([
  'GET /v1/admin/webhooks',
  'GET /v1/admin/webhooks/{id}',
  'GET /v1/admin/webhooks/{id}/deliveries',
]);

/** Writes members may make: handling the live inbox (settings stay admin-only). */
const MEMBER_WRITES = new Set([
  // Their own display name (it lands in their own tenant: checked below).
  'PATCH /v1/admin/me',
  'POST /v1/admin/conversations/{id}/takeover',
  'POST /v1/admin/conversations/{id}/release',
  'POST /v1/admin/conversations/{id}/close',
  'POST /v1/admin/conversations/{id}/messages',
  // A search: it changes nothing.
  'POST /v1/admin/sites/{siteId}/knowledge/search',
]);

/** Which of its own ids the owner uses to prove a route works (so the 404s for others mean something). */
const OWN_ID: Record<string, ((t: SeededTenant) => string) | null> = {
  'GET /v1/admin/sites/{id}': (t) => t.site.id,
  'PATCH /v1/admin/sites/{id}': (t) => t.site.id,
  'POST /v1/admin/sites/{id}/identity-secret': (t) => t.site.id,
  'DELETE /v1/admin/sites/{id}': (t) => t.site.id,
  'GET /v1/admin/sites/{id}/sources': (t) => t.site.id,
  'POST /v1/admin/sites/{id}/sources': (t) => t.site.id,
  'POST /v1/admin/sites/{id}/sources/files': (t) => t.site.id,
  'GET /v1/admin/sources/{id}': (t) => t.source.id,
  'POST /v1/admin/sources/{id}/sync': (t) => t.source.id,
  'DELETE /v1/admin/sources/{id}': (t) => t.source.id,
  'GET /v1/admin/conversations/{id}': (t) => t.visitor.conversation.id,
  'GET /v1/admin/conversations/{id}/messages': (t) => t.visitor.conversation.id,
  'DELETE /v1/admin/conversations/{id}': (t) => t.visitor.conversation.id,
  'GET /v1/admin/jobs/{id}': (t) => t.job.id,
  'GET /v1/admin/sites/{id}/usage': (t) => t.site.id,
  'POST /v1/admin/conversations/{id}/takeover': (t) => t.visitor.conversation.id,
  'POST /v1/admin/conversations/{id}/release': (t) => t.visitor.conversation.id,
  'POST /v1/admin/conversations/{id}/close': (t) => t.visitor.conversation.id,
  'POST /v1/admin/conversations/{id}/messages': (t) => t.visitor.conversation.id,
  'POST /v1/admin/sites/{siteId}/knowledge/search': (t) => t.site.id,
  'POST /v1/admin/sites/{siteId}/erasures': (t) => t.site.id,
  'GET /v1/admin/sites/{siteId}/removals': (t) => t.site.id,
  'GET /v1/admin/sites/{siteId}/unanswered': (t) => t.site.id,
  'POST /v1/admin/sites/{siteId}/unanswered/dismiss': (t) => t.site.id,
  'GET /v1/admin/webhooks/{id}': (t) => t.webhook.id,
  'PATCH /v1/admin/webhooks/{id}': (t) => t.webhook.id,
  'DELETE /v1/admin/webhooks/{id}': (t) => t.webhook.id,
  'POST /v1/admin/webhooks/{id}/secret': (t) => t.webhook.id,
  'POST /v1/admin/webhooks/{id}/test': (t) => t.webhook.id,
  'GET /v1/admin/webhooks/{id}/deliveries': (t) => t.webhook.id,
};

async function call(target: TestApp, route: ApiRoute, path: string, token: string | undefined, body: unknown, origin?: string) {
  const res = await target.request(path, {
    method: route.method.toUpperCase(),
    token,
    ...(body === undefined ? {} : body instanceof FormData ? { body } : { json: body }),
    ...(origin ? { headers: { origin } } : {}),
  });
  const text = await readBody(res);
  tally.count(res.status);
  return { status: res.status, text };
}

/** Query strings that aim a list at the victim's data: its site, its words, a cursor at its rows. */
function hostileQueries(route: ApiRoute, victim: SeededTenant): string[] {
  const keys = Object.keys(route.query?.shape ?? {});
  const queries = [''];
  if (keys.includes('siteId')) queries.push(`siteId=${victim.site.id}`);
  if (keys.includes('q')) queries.push(`q=${victim.marker}`);
  if (keys.includes('cursor')) {
    const future = new Date(Date.now() + 3600_000);
    queries.push(
      `cursor=${encodeCursor(future, victim.visitor.conversation.id)}`,
      `cursor=${encodeCursor(future, victim.site.id)}`,
    );
  }
  return queries;
}

function noteLeak(where: string, status: number, text: string, victim: { secrets: string[] }) {
  const found = leakedSecrets(text, victim);
  if (found.length) leaks.push(`${where} → ${status} revealed ${found.join(', ')}`);
}

describe('admin routes, Clerk organizations and a personal workspace', () => {
  it('every route is known to the suite', () => {
    for (const route of adminApiRoutes()) expect(() => perRoute(ADMIN_BODIES, route)).not.toThrow();
  });

  it('another tenant gets 404 for every id it does not own, and lists never hold the other tenant’s data', async () => {
    for (const attacker of tenants) {
      for (const victim of tenants) {
        if (attacker === victim) continue;
        for (const token of [attacker.admin, attacker.member].filter((t): t is string => Boolean(t))) {
          const isMember = token === attacker.member;
          for (const route of adminApiRoutes()) {
            const body = perRoute(ADMIN_BODIES, route);
            if (hasIdParam(route)) {
              for (const id of victim.ids) {
                const where = `${attacker.label}${isMember ? ' member' : ''} ${routeKey(route)} ${victim.label}:${id}`;
                const { status, text } = await call(app, route, fillPath(route.path, id), token, body);
                if (status >= 200 && status < 300) leaks.push(`${where} → ${status}`);
                else if (!(status === 404 || (isMember && status === 403))) tally.problem(`${where} → ${status}`);
                noteLeak(where, status, text, victim);
              }
            } else if (route.method === 'get') {
              for (const query of hostileQueries(route, victim)) {
                const where = `${attacker.label} ${routeKey(route)}?${query}`;
                const { status, text } = await call(app, route, `${route.path}${query ? `?${query}` : ''}`, token, body);
                const expected = isMember && ADMIN_ONLY_READS.has(routeKey(route)) ? 403 : 200;
                if (status !== expected) tally.problem(`${where} → ${status}`);
                noteLeak(where, status, text, victim);
              }
            } else {
              // A create (or the caller's own profile): it must land in the attacker's own tenant, never the victim's.
              const where = `${attacker.label} ${routeKey(route)}`;
              const { status, text } = await call(app, route, route.path, token, body);
              const expected = isMember && !MEMBER_WRITES.has(routeKey(route)) ? 403 : (route.status ?? 200);
              if (status !== expected) tally.problem(`${where} → ${status}`);
              noteLeak(where, status, text, victim);
            }
          }
        }
      }
    }
    expect(tally.problems).toEqual([]);
    expect(leaks).toEqual([]);
  }, 600_000); // ~2,800 requests: on a loaded 2-core machine the walk outgrows the default 30 s

  it('members read but every write (and the identity secret) answers 403; no answer shows them the secret', async () => {
    for (const tenant of tenants.filter((t) => t.member)) {
      const secret = { secrets: [tenant.site.identitySecret ?? 'no secret seeded'] };
      for (const route of adminApiRoutes()) {
        const own = hasIdParam(route) ? perRoute(OWN_ID, route)?.(tenant) : undefined;
        const path = fillPath(route.path, own);
        const { status, text } = await call(app, route, path, tenant.member, perRoute(ADMIN_BODIES, route));
        const adminOnly = ADMIN_ONLY_READS.has(routeKey(route));
        const allowed = (route.method === 'get' && !adminOnly) || MEMBER_WRITES.has(routeKey(route));
        const expected = route.method === 'get' && !adminOnly ? 200 : allowed ? (route.status ?? 200) : 403;
        expect(`${routeKey(route)} → ${status}`).toBe(`${routeKey(route)} → ${expected}`);
        noteLeak(`${tenant.label} member ${routeKey(route)}`, status, text, secret);
      }
    }
    expect(leaks).toEqual([]);
  }, 180_000); // a walk over every route: slow on a loaded machine

  it('after every attempt each tenant still has its data, unchanged, and reaches it with its own token', async () => {
    for (const tenant of tenants) {
      for (const route of adminApiRoutes().filter((r) => r.method === 'get')) {
        const own = hasIdParam(route) ? perRoute(OWN_ID, route)?.(tenant) : undefined;
        const { status, text } = await call(app, route, fillPath(route.path, own), tenant.admin, undefined);
        expect(status, `${tenant.label} ${routeKey(route)}`).toBe(200);
        if (own) expect(text).toContain(own);
      }
      const site = await json(await app.admin(`/v1/admin/sites/${tenant.site.id}`, { token: tenant.admin }));
      expect(site).toMatchObject({ name: tenant.site.name, allowedOrigins: [PAGE_ORIGIN], identityVerification: true });
      expect(site).not.toHaveProperty('identitySecret');
      // No attacker rotated it: the owner's reveal shows the secret the site was created with.
      const revealed = await app.admin(`/v1/admin/sites/${tenant.site.id}/identity-secret`, {
        token: tenant.admin,
        method: 'POST',
      });
      expect(await json(revealed)).toEqual({ identitySecret: tenant.site.identitySecret });
      const detail = await json(
        await app.admin(`/v1/admin/conversations/${tenant.visitor.conversation.id}`, { token: tenant.admin }),
      );
      // Its visitor's messages (a member's reply, made while checking what members may do, comes after them).
      expect(detail.messages.filter((m: { role: string }) => m.role !== 'agent')).toHaveLength(4);
      expect(detail.messages[1].feedback).toBe('up');
      const sites = await json(await app.admin('/v1/admin/sites', { token: tenant.admin }));
      // Its own site plus the one it created while attacking the other two.
      expect(sites.items.filter((s: { name: string }) => s.name === 'Intruder site')).toHaveLength(2);
    }
  }, 180_000); // a walk over every route: slow on a loaded machine

  it('the owner’s writes work, so the refusals above were about the token (the personal workspace, deleting)', async () => {
    const a = tenants[2];
    if (!a) throw new Error('no tenant');
    // Deletions last, the site's last of all (its data goes with it in the background).
    const rank = (r: ApiRoute) => (r.method !== 'delete' ? 0 : r.path.startsWith('/v1/admin/sites') ? 2 : 1);
    const writes = adminApiRoutes()
      .filter((r) => r.method !== 'get' && hasIdParam(r))
      .sort((x, y) => rank(x) - rank(y));
    for (const route of writes) {
      const id = perRoute(OWN_ID, route)?.(a);
      const { status } = await call(app, route, fillPath(route.path, id), a.admin, perRoute(ADMIN_BODIES, route));
      expect(status, routeKey(route)).toBeLessThan(300);
    }
  }, 180_000); // a walk over every route: slow on a loaded machine
});

describe('live events stay in their tenant', () => {
  it("another tenant's inbox, and another visitor, receive nothing of a handoff", async () => {
    const [a, b] = tenants;
    if (!a || !b) throw new Error('no tenants');
    const inboxA = await openLiveStream(`${app.url}/v1/admin/events`, a.admin);
    const inboxB = await openLiveStream(`${app.url}/v1/admin/events`, b.admin);
    const visitor = await app.startVisitor(a.site.publicKey);
    const conversation = await visitor.newConversation();
    const intruder = await app.startVisitor(b.site.publicKey);
    const peek = await openLiveStream(`${app.url}/v1/widget/conversations/${conversation.id}/events`, intruder.token, {
      origin: PAGE_ORIGIN,
    });
    expect(peek.res.status).toBe(404);
    await visitor.request(`/v1/widget/conversations/${conversation.id}/handoff`, { method: 'POST', json: {} });
    const reply = await app.admin(`/v1/admin/conversations/${conversation.id}/messages`, {
      method: 'POST',
      token: a.admin,
      json: { text: 'Only for tenant A' },
    });
    expect(reply.status).toBe(201);
    const events = await inboxA.waitFor(3);
    expect(events.map((e) => e.event)).toContain('message');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(inboxB.events).toEqual([]);
    inboxA.close();
    inboxB.close();
  });
});

describe('admin routes, local mode', () => {
  it('answers 401 to every token but the local admin token, and never shows local data', async () => {
    const site = await local.createSite({ name: 'Local site', allowedOrigins: [PAGE_ORIGIN] });
    const visitor = await seedVisitor(local, site, 'localmarker');
    const owned = { secrets: [site.id, site.publicKey, visitor.conversation.id, visitor.answer.id, 'localmarker'] };
    const wrongTokens = [
      undefined,
      'not-a-token',
      `${local.adminToken}x`,
      local.adminToken.slice(0, -1),
      visitor.token,
      tokens.adminA,
      app.adminToken,
    ];
    for (const route of adminApiRoutes()) {
      for (const token of wrongTokens) {
        const ids = hasIdParam(route) ? [site.id, visitor.conversation.id] : [''];
        for (const id of ids) {
          const { status, text } = await call(local, route, fillPath(route.path, id), token, perRoute(ADMIN_BODIES, route));
          const where = `local ${routeKey(route)} with ${token ? `${token.slice(0, 8)}…` : 'no token'}`;
          if (status !== 401) (status < 300 ? leaks : tally.problems).push(`${where} → ${status}`);
          const found = leakedSecrets(text, owned);
          if (found.length) leaks.push(`${where} revealed ${found.join(', ')}`);
        }
      }
    }
    expect(tally.problems).toEqual([]);
    expect(leaks).toEqual([]);
    expect((await local.admin(`/v1/admin/sites/${site.id}`)).status).toBe(200);
  }, 180_000); // a walk over every route: slow on a loaded machine
});

describe('knowledge: another organization never retrieves or cites this site’s text', () => {
  // The personal workspace deleted its site above: the two organizations' sites remain.
  const live = tenants.slice(0, 2);
  const search = (target: TestApp, siteId: string, q: string, token: string) =>
    call(target, { method: 'post' } as ApiRoute, `/v1/admin/sites/${siteId}/knowledge/search`, token, { q });

  it('the owner finds its own passage, so the misses below mean something', async () => {
    for (const tenant of live) {
      const { status, text } = await search(app, tenant.site.id, `${tenant.marker} question`, tenant.admin);
      expect(status).toBe(200);
      expect(JSON.parse(text).items[0]).toMatchObject({ sourceId: 'faq', text: `${tenant.marker} answer.` });
    }
  });

  it('searching its own site, or the victim’s, for the victim’s words finds nothing of the victim', async () => {
    for (const attacker of live) {
      for (const victim of live.filter((t) => t !== attacker)) {
        for (const token of [attacker.admin, attacker.member].filter((t): t is string => Boolean(t))) {
          const own = await search(app, attacker.site.id, `${victim.marker} question answer`, token);
          expect(own.status).toBe(200);
          noteLeak(`${attacker.label} searching its site for ${victim.label}`, own.status, own.text, victim);
          const theirs = await search(app, victim.site.id, `${victim.marker} question answer`, token);
          expect(theirs.status).toBe(404);
          noteLeak(`${attacker.label} searching ${victim.label}'s site`, theirs.status, theirs.text, victim);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('a visitor of another site asking the victim’s question gets no passage of it, and cites its own site only', async () => {
    let n = 0;
    for (const attacker of live) {
      const visitor = await app.startVisitor(attacker.site.publicKey);
      const conversation = await visitor.newConversation();
      for (const victim of live.filter((t) => t !== attacker)) {
        const sent = await visitor.send(conversation.id, `${victim.marker} question?`, `knowledge-${n++}`);
        tally.count(sent.res.status);
        const done = sent.events.find((e) => e.event === 'done')?.data as { citations: { snippet: string }[] };
        // Only its own site's passages may be cited (its FAQ shares the word "question").
        expect(done.citations.every((citation) => citation.snippet.startsWith(attacker.marker))).toBe(true);
        noteLeak(`${attacker.label} visitor asking ${victim.label}'s question`, sent.res.status, JSON.stringify(sent.events), {
          secrets: [`${victim.marker} answer`],
        });
      }
    }
    expect(leaks).toEqual([]);
  });
});

/** A valid body per visitor route. */
const VISITOR_BODIES: Record<string, (n: number) => unknown> = {
  'GET /v1/widget/conversations': () => undefined,
  'POST /v1/widget/conversations': () => ({ title: 'mine' }),
  'GET /v1/widget/conversations/{id}/messages': () => undefined,
  'POST /v1/widget/conversations/{id}/messages': (n) => ({ text: 'let me in', clientMessageId: `attack-${n}` }),
  'POST /v1/widget/messages/{id}/retry': () => undefined,
  'POST /v1/widget/messages/{id}/feedback': () => ({ rating: 'down' }),
  'POST /v1/widget/images': () => undefined,
  'POST /v1/widget/conversations/{id}/handoff': () => ({}),
  'POST /v1/widget/leads': () => ({ email: 'attacker@example.com' }),
  'GET /v1/widget/conversations/{id}/events': () => undefined,
};

describe('widget routes, visitor against visitor', () => {
  it('every route is known to the suite', () => {
    for (const route of visitorApiRoutes()) expect(() => perRoute(VISITOR_BODIES, route)).not.toThrow();
  });

  it('another visitor (same site, or another tenant’s) gets 404 for every id it does not own', async () => {
    const [a, b] = tenants;
    if (!a || !b) throw new Error('no tenants');
    const sameSite = await app.startVisitor(a.site.publicKey);
    const otherTenant = await app.startVisitor(b.site.publicKey);
    let n = 0;
    for (const attacker of [sameSite, otherTenant]) {
      const ownConversation = await attacker.newConversation();
      for (const route of visitorApiRoutes()) {
        const makeBody = perRoute(VISITOR_BODIES, route);
        if (hasIdParam(route)) {
          for (const id of a.ids) {
            const where = `visitor ${routeKey(route)} ${id}`;
            const { status, text } = await call(app, route, fillPath(route.path, id), attacker.token, makeBody(n++), PAGE_ORIGIN);
            if (status >= 200 && status < 300) leaks.push(`${where} → ${status}`);
            else if (status !== 404) tally.problem(`${where} → ${status}`);
            noteLeak(where, status, text, a.visitor);
          }
        } else if (route.multipart) {
          // An upload aimed at the victim's conversation.
          const res = await uploadImage(app, attacker.token, { conversationId: a.visitor.conversation.id });
          const text = await res.text();
          tally.count(res.status);
          if (res.status !== 404) (res.status < 300 ? leaks : tally.problems).push(`upload into ${a.label} → ${res.status}`);
          noteLeak('upload', res.status, text, a.visitor);
        } else {
          const query =
            route.method === 'get' ? `?cursor=${encodeCursor(new Date(Date.now() + 3600_000), a.visitor.conversation.id)}` : '';
          for (const suffix of ['', query]) {
            const { status, text } = await call(app, route, route.path + suffix, attacker.token, makeBody(n++), PAGE_ORIGIN);
            if (status >= 300) tally.problem(`visitor ${routeKey(route)}${suffix} → ${status}`);
            noteLeak(`visitor ${routeKey(route)}${suffix}`, status, text, a.visitor);
          }
        }
      }
      // The victim's image attached to the attacker's own message.
      const send = await attacker.send(ownConversation.id, 'steal', `steal-${n++}`, [a.visitor.image.id]);
      tally.count(send.res.status);
      if (send.res.status !== 404) leaks.push(`image of ${a.label} attached by another visitor → ${send.res.status}`);
    }
    expect(tally.problems).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it('a visitor token resumes its visitor only on its own site, and never serves as an admin token', async () => {
    const [a, b] = tenants;
    if (!a || !b) throw new Error('no tenants');
    const res = await app.request('/v1/widget/sessions', {
      method: 'POST',
      headers: { origin: PAGE_ORIGIN },
      json: { siteKey: b.site.publicKey, visitorToken: a.visitor.token },
    });
    tally.count(res.status);
    const session = await json(res);
    expect(session.visitorId).not.toBe(a.visitor.visitorId);
    for (const route of adminApiRoutes()) {
      const { status } = await call(app, route, fillPath(route.path, a.site.id), a.visitor.token, perRoute(ADMIN_BODIES, route));
      if (status !== 401) leaks.push(`visitor token on ${routeKey(route)} → ${status}`);
    }
    // And an admin token is no visitor token.
    const asVisitor = await app.request('/v1/widget/conversations', { token: a.admin, headers: { origin: PAGE_ORIGIN } });
    tally.count(asVisitor.status);
    expect(asVisitor.status).toBe(401);
    expect(leaks).toEqual([]);
  });

  it('an identified visitor’s token reaches none of its ids on any route once the secret is rotated or verification is off', async () => {
    const [a] = tenants;
    if (!a) throw new Error('no tenant');
    for (const change of [{ rotateIdentitySecret: true }, { identityVerification: false }]) {
      const site = await app.createSite(
        { name: 'Identified', allowedOrigins: [PAGE_ORIGIN], identityVerification: true },
        a.admin,
      );
      const user = { id: 'user-iso', userHash: userHashFor(site.identitySecret ?? '', 'user-iso') };
      const victim = await seedVisitor(app, site, `identified${a.marker}`, { user });
      const changed = await app.admin(`/v1/admin/sites/${site.id}`, { token: a.admin, method: 'PATCH', json: change });
      tally.count(changed.status);
      let n = 0;
      for (const route of visitorApiRoutes()) {
        const makeBody = perRoute(VISITOR_BODIES, route);
        const ids = hasIdParam(route) ? [victim.conversation.id, victim.question.id, victim.answer.id] : [''];
        for (const id of ids) {
          const where = `revoked ${JSON.stringify(change)} ${routeKey(route)} ${id}`;
          if (route.multipart) {
            const res = await uploadImage(app, victim.token, { conversationId: victim.conversation.id });
            tally.count(res.status);
            if (res.status !== 401) (res.status < 300 ? leaks : tally.problems).push(`${where} → ${res.status}`);
            continue;
          }
          const { status, text } = await call(app, route, fillPath(route.path, id), victim.token, makeBody(n++), PAGE_ORIGIN);
          if (status !== 401) (status < 300 ? leaks : tally.problems).push(`${where} → ${status}`);
          noteLeak(where, status, text, victim);
        }
      }
    }
    expect(tally.problems).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it('a send to another visitor’s conversation (same site, or another tenant’s) is refused with 404 and leaves nothing of it, even while held before its check', async () => {
    const [a, b] = tenants;
    if (!a || !b) throw new Error('no tenants');
    const repos = app.services.repos;
    const owner = await app.startVisitor(a.site.publicKey);
    const conversation = await owner.newConversation();
    await owner.send(conversation.id, 'Mine', 'mine-1');
    const readAs = async (token: string, path: string) =>
      readBody(await app.request(path, { token, headers: token === a.admin ? {} : { origin: PAGE_ORIGIN } }));
    const history = () =>
      Promise.all([
        readAs(owner.token, `/v1/widget/conversations/${conversation.id}/messages`),
        readAs(a.admin, `/v1/admin/conversations/${conversation.id}`),
      ]);
    const before = await history();
    const refusal = await readAs(owner.token, `/v1/widget/conversations/${'f'.repeat(24)}/messages`);
    // The send's one read under the lock (its window, with its copy of the conversation) is held, so the history is
    // read while the hostile send's in-flight entry, carrying its question, is in and not yet refused.
    const sendWindow = repos.conversations.sendWindow;
    let held = () => {};
    let reached = () => {};
    try {
      for (const attacker of [await app.startVisitor(a.site.publicKey), await app.startVisitor(b.site.publicKey)]) {
        const text = `hostile${Math.random().toString(36).slice(2, 10)}`;
        const gate = new Promise<void>((resolve) => {
          held = resolve;
        });
        const atRead = new Promise<void>((resolve) => {
          reached = resolve;
        });
        repos.conversations.sendWindow = async (id, owner) => {
          if (id === conversation.id) {
            reached();
            await gate;
          }
          return sendWindow(id, owner);
        };
        const sent = attacker.send(conversation.id, text, text);
        await atRead;
        const entry = await repos.messages.findStream(messageIdFor(conversation.id, text, 'assistant'));
        expect(entry?.question?.text).toBe(text);
        for (const read of await history()) {
          tally.count(200);
          if (read.includes(text)) leaks.push(`a held hostile send's question shown to the owner: ${read.slice(0, 200)}`);
        }
        held();
        const { res, events } = await sent;
        tally.count(res.status);
        expect(res.status).toBe(404);
        expect(events).toEqual([]);
        // Exactly as a send to a conversation nobody has: the same status, code and body.
        expect(await readBody(res)).toBe(refusal);
        expect(await repos.messages.findStream(messageIdFor(conversation.id, text, 'assistant'))).toBeNull();
        expect(await repos.messages.findById(messageIdFor(conversation.id, text, 'user'))).toBeNull();
        expect(await repos.locks.find(conversation.id)).toBeNull();
      }
    } finally {
      held();
      repos.conversations.sendWindow = sendWindow;
    }
    expect(await history()).toEqual(before);
    // The owner's next send is answered and counted as if nothing happened.
    const next = await owner.send(conversation.id, 'Mine again', 'mine-2');
    expect([next.events.at(0)?.event, next.events.at(-1)?.event]).toEqual(['message', 'done']);
    const stored = await repos.conversations.findById(conversation.id);
    expect(stored?.messageCount).toBe(4);
    expect((await repos.messages.listForConversation(stored?.tenantId ?? '', conversation.id, 10)).items).toHaveLength(4);
    expect(leaks).toEqual([]);
  });

  it('the victim visitor still has its conversation, messages and rating', async () => {
    const [a] = tenants;
    if (!a) throw new Error('no tenant');
    const res = await app.request(`/v1/widget/conversations/${a.visitor.conversation.id}/messages`, {
      token: a.visitor.token,
      headers: { origin: PAGE_ORIGIN },
    });
    const page = await json(res);
    // Its own messages; a member's reply (made while checking what members may do) comes after them.
    const own = page.items.filter((m: { role: string }) => m.role !== 'agent');
    expect(own).toHaveLength(4);
    expect(own[1]).toMatchObject({ id: a.visitor.answer.id, feedback: 'up' });
    const list = await json(
      await app.request('/v1/widget/conversations', { token: a.visitor.token, headers: { origin: PAGE_ORIGIN } }),
    );
    expect(list.items.map((c: { id: string }) => c.id)).toEqual([a.visitor.conversation.id]);
  });
});

afterAll(() => {
  reportFigures('tenantIsolation', {
    requestsTried: tally.requests,
    leaks: leaks.length,
    serverErrors: tally.serverErrors,
    tenants: tenants.length + 1,
    adminRoutes: adminApiRoutes().length,
    widgetRoutes: visitorApiRoutes().length,
  });
});
