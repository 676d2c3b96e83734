import { afterAll, describe, expect, it } from 'vitest';
import type { SessionResponse } from '../../contract/widget.js';
import { randomToken } from '../domain/secrets.js';
import { type RedisServer, startRedisServer } from '../test/redisServer.js';
import { GENEROUS_LIMITS, startTestApp, type TestApp } from '../test/testApp.js';

/**
 * Two instances of one deployment on one database and one Redis (`REDIS_URL`), as operators run them behind a load
 * balancer: a visitor's limits count across both, a site change made through one is seen by the other at once, and
 * Redis going away lets requests through (fail open) instead of failing them.
 */

let redis: RedisServer = await startRedisServer();
const visitorTokenSecret = randomToken(32);
const CONVERSATIONS_PER_VISITOR = 4;

async function instance(joinDatabase: boolean) {
  return startTestApp(import.meta.url, {
    joinDatabase,
    env: { REDIS_URL: redis.url },
    rateLimits: { ...GENEROUS_LIMITS, conversationsPerVisitorPerMinute: CONVERSATIONS_PER_VISITOR },
    services: { visitorTokenSecret },
  });
}
const a = await instance(false);
const b = await instance(true);
afterAll(async () => {
  await Promise.allSettled([a.close(), b.close()]);
  await redis.stop();
});

const newConversation = (app: TestApp, token: string) =>
  app.request('/v1/widget/conversations', { method: 'POST', token, headers: { origin: 'http://localhost:5173' }, json: {} });

async function session(app: TestApp, siteKey: string) {
  const res = await app.request('/v1/widget/sessions', {
    method: 'POST',
    headers: { origin: 'http://localhost:5173' },
    json: { siteKey },
  });
  return { status: res.status, body: (await res.json()) as SessionResponse };
}

const site = await a.createSite({ name: 'Two instances' });

describe('site settings through the bus', () => {
  it('a change made on one instance is seen by the next session on the other at once', async () => {
    const cached = await session(b, site.publicKey);
    expect(cached.body.site.look.title).toBe('Two instances');

    const patched = await a.admin(`/v1/admin/sites/${site.id}`, { method: 'PATCH', json: { look: { title: 'Renamed' } } });
    expect(patched.status).toBe(200);
    expect((await session(b, site.publicKey)).body.site.look.title).toBe('Renamed');
  });

  it('a site deleted on one instance starts no session on the other', async () => {
    const doomed = await a.createSite({ name: 'Doomed' });
    expect((await session(b, doomed.publicKey)).status).toBe(200);
    expect((await a.admin(`/v1/admin/sites/${doomed.id}`, { method: 'DELETE' })).status).toBe(202);
    expect((await session(b, doomed.publicKey)).status).toBe(404);
  });
});

describe('limits shared through Redis', () => {
  it('limits one visitor across both instances', async () => {
    const visitor = await a.startVisitor(site.publicKey);
    const statuses: number[] = [];
    // Alternating instances, as a round-robin balancer would.
    for (let i = 0; i < CONVERSATIONS_PER_VISITOR + 2; i++)
      statuses.push((await newConversation(i % 2 ? b : a, visitor.token)).status);
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429]);

    const refused = await newConversation(b, visitor.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited' } });
    // Another visitor has its own count.
    const other = await b.startVisitor(site.publicKey);
    expect((await newConversation(a, other.token)).status).toBe(201);
  });

  it('lets requests through while Redis is down (fail open) and counts again once it is back', async () => {
    const port = redis.port;
    await redis.stop();
    const visitor = await a.startVisitor(site.publicKey);
    for (let i = 0; i < CONVERSATIONS_PER_VISITOR + 2; i++)
      expect((await newConversation(i % 2 ? b : a, visitor.token)).status).toBe(201);

    redis = await startRedisServer({ port });
    // The clients reconnect by themselves; the limiters reload their scripts on the new server.
    const deadline = performance.now() + 10_000;
    const statuses: number[] = [];
    while (!statuses.includes(429) && performance.now() < deadline) {
      statuses.push((await newConversation(statuses.length % 2 ? b : a, visitor.token)).status);
      if (statuses.length % 10 === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 201 && status !== 429)).toEqual([]);
  });
});
