import { Types } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { clerkTestKit } from '../../test/clerkTokens.js';
import { json } from '../../test/json.js';
import { startTestApp } from '../../test/testApp.js';

const clerk = await clerkTestKit();
const app = await startTestApp(import.meta.url, { adminAuth: clerk.auth });
afterAll(() => app.close());

const { admin: adminA, member: memberA, otherAdmin: adminB } = await clerk.orgSessions();
const personal = await clerk.token({ userId: 'user_p' });

const siteA = await app.createSite(
  { name: 'A site', allowedOrigins: ['http://localhost:5173'], faq: [{ question: 'Hours?', answer: 'Nine to five.' }] },
  adminA,
);
const visitor = await app.startVisitor(siteA.publicKey);
const conversationA = await visitor.newConversation();
await visitor.send(conversationA.id, 'Hours?', 'x1');

describe('admin auth (Clerk, verified networklessly)', () => {
  it('reports how to sign in without a token', async () => {
    const res = await app.request('/v1/admin/auth/config');
    expect(await json(res)).toEqual({ mode: 'clerk', clerkPublishableKey: null });
  });

  it('maps the active organization and role to the tenant', async () => {
    expect(await json(await app.admin('/v1/admin/me', { token: adminA }))).toEqual({
      tenantId: 'org:org_a',
      role: 'admin',
      userId: 'user_a',
      agent: { id: 'user_a', name: 'Support' },
      displayName: null,
    });
    expect(await json(await app.admin('/v1/admin/me', { token: memberA }))).toEqual({
      tenantId: 'org:org_a',
      role: 'member',
      userId: 'user_m',
      agent: { id: 'user_m', name: 'Support' },
      displayName: null,
    });
    expect(await json(await app.admin('/v1/admin/me', { token: personal }))).toEqual({
      tenantId: 'user:user_p',
      role: 'admin',
      userId: 'user_p',
      agent: { id: 'user_p', name: 'Support' },
      displayName: null,
    });
  });

  it.each([
    ['no token', undefined],
    ['an expired token', clerk.token({ userId: 'user_a', orgId: 'org_a', expiresIn: -60 })],
    ['a token signed with another key', clerk.token({ userId: 'user_a', orgId: 'org_a' }, clerk.wrongKey)],
    ['a token for another party (azp)', clerk.token({ userId: 'user_a', orgId: 'org_a', azp: 'https://evil.example' })],
    ['garbage', Promise.resolve('not-a-jwt')],
  ])('answers 401 JSON (never a redirect) for %s', async (_name, tokenPromise) => {
    const token = await tokenPromise;
    const res = await app.request('/v1/admin/sites', { token, redirect: 'manual' });
    expect(res.status).toBe(401);
    expect((await json(res)).error.code).toBe('unauthorized');
  });
});

describe('tenant isolation between organizations', () => {
  it('B never sees A’s sites, conversations, images or stats', async () => {
    expect((await json(await app.admin('/v1/admin/sites', { token: adminB }))).items).toEqual([]);
    expect((await json(await app.admin('/v1/admin/conversations', { token: adminB }))).items).toEqual([]);
    const stats = await json(await app.admin('/v1/admin/stats', { token: adminB }));
    expect(stats.totals).toEqual({ conversations: 0, messages: 0, images: 0 });

    const listA = await json(await app.admin('/v1/admin/conversations', { token: adminA }));
    expect(listA.items.map((c: { id: string }) => c.id)).toEqual([conversationA.id]);
    const statsA = await json(await app.admin('/v1/admin/stats', { token: adminA }));
    expect(statsA.totals).toEqual({ conversations: 1, messages: 2, images: 0 });
  });

  it('B gets 404 for every id of A, reading, changing or deleting', async () => {
    const attempts = await Promise.all([
      app.admin(`/v1/admin/sites/${siteA.id}`, { token: adminB }),
      app.admin(`/v1/admin/sites/${siteA.id}`, { token: adminB, method: 'PATCH', json: { name: 'pwned' } }),
      app.admin(`/v1/admin/sites/${siteA.id}`, { token: adminB, method: 'DELETE' }),
      app.admin(`/v1/admin/conversations/${conversationA.id}`, { token: adminB }),
      app.admin(`/v1/admin/conversations/${conversationA.id}`, { token: adminB, method: 'DELETE' }),
    ]);
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
    const still = await json(await app.admin(`/v1/admin/sites/${siteA.id}`, { token: adminA }));
    expect(still.name).toBe('A site');
    expect((await app.admin(`/v1/admin/conversations/${conversationA.id}`, { token: adminA })).status).toBe(200);
  });

  it('a member reads but cannot change sites or delete conversations (403)', async () => {
    expect((await app.admin('/v1/admin/sites', { token: memberA })).status).toBe(200);
    expect((await app.admin(`/v1/admin/conversations/${conversationA.id}`, { token: memberA })).status).toBe(200);
    const writes = await Promise.all([
      app.admin('/v1/admin/sites', { token: memberA, method: 'POST', json: { name: 'x' } }),
      app.admin(`/v1/admin/sites/${siteA.id}`, { token: memberA, method: 'PATCH', json: { name: 'x' } }),
      app.admin(`/v1/admin/sites/${siteA.id}`, { token: memberA, method: 'DELETE' }),
      app.admin(`/v1/admin/conversations/${conversationA.id}`, { token: memberA, method: 'DELETE' }),
    ]);
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect((await json(res)).error.code).toBe('forbidden');
    }
  });
});

describe('sites', () => {
  it('creates with defaults, updates look and FAQ, rotates the identity secret, deletes', async () => {
    const created = await json(
      await app.admin('/v1/admin/sites', {
        token: adminB,
        method: 'POST',
        json: { name: 'Shop', allowedOrigins: ['https://shop.example'] },
      }),
    );
    expect(created).toMatchObject({
      name: 'Shop',
      publicKey: expect.stringMatching(/^pk_[A-Za-z0-9_-]{24}$/),
      allowedOrigins: ['https://shop.example'],
      look: { title: 'Shop', accentColor: '#2563eb', position: 'bottom-right', starterPrompts: [] },
      identityVerification: false,
    });
    const patched = await json(
      await app.admin(`/v1/admin/sites/${created.id}`, {
        token: adminB,
        method: 'PATCH',
        json: { look: { greeting: 'Hello!' }, faq: [{ question: 'Q?', answer: 'A.' }], rotateIdentitySecret: true },
      }),
    );
    expect(patched.look).toMatchObject({ title: 'Shop', greeting: 'Hello!' });
    expect(patched.faq).toEqual([{ question: 'Q?', answer: 'A.' }]);
    expect(patched.identitySecret).toMatch(/^[a-f0-9]{64}$/);
    const rotated = await json(
      await app.admin(`/v1/admin/sites/${created.id}`, { token: adminB, method: 'PATCH', json: { rotateIdentitySecret: true } }),
    );
    expect(rotated.identitySecret).not.toBe(patched.identitySecret);
    expect((await app.admin(`/v1/admin/sites/${created.id}`, { token: adminB, method: 'DELETE' })).status).toBe(202);
    expect((await app.admin(`/v1/admin/sites/${created.id}`, { token: adminB })).status).toBe(404);
  });

  it('rejects invalid sites with 400 and the issues listed', async () => {
    const res = await app.admin('/v1/admin/sites', {
      token: adminB,
      method: 'POST',
      json: { name: '', allowedOrigins: ['javascript:alert(1)'], look: { accentColor: 'red' } },
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.code).toBe('invalid_request');
    expect(body.error.details.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', path: 'name', code: 'invalid_format', message: 'must not be blank' }),
        expect.objectContaining({ in: 'body', path: 'allowedOrigins.0' }),
        expect.objectContaining({ in: 'body', path: 'look.accentColor', code: 'invalid_format' }),
      ]),
    );
  });
});

describe('conversations (admin)', () => {
  it('lists with filters and search, shows one with messages, deletes it with its messages', async () => {
    const other = await visitor.newConversation();
    await visitor.send(other.id, 'Do you deliver to Mars?', 'm1');
    const all = await json(await app.admin('/v1/admin/conversations', { token: adminA }));
    expect(all.items.map((c: { id: string }) => c.id)).toEqual([other.id, conversationA.id]);
    const found = await json(await app.admin('/v1/admin/conversations?q=MARS', { token: adminA }));
    expect(found.items.map((c: { id: string }) => c.id)).toEqual([other.id]);
    expect(found.items[0]).toMatchObject({ firstQuestion: 'Do you deliver to Mars?', messageCount: 2, siteId: siteA.id });
    const paged = await json(await app.admin('/v1/admin/conversations?limit=1', { token: adminA }));
    expect(paged.items).toHaveLength(1);
    const next = await json(await app.admin(`/v1/admin/conversations?limit=1&cursor=${paged.nextCursor}`, { token: adminA }));
    expect(next.items.map((c: { id: string }) => c.id)).toEqual([conversationA.id]);
    expect(next.nextCursor).toBeNull();
    const withImages = await json(await app.admin('/v1/admin/conversations?hasImages=true', { token: adminA }));
    expect(withImages.items).toEqual([]);

    const detail = await json(await app.admin(`/v1/admin/conversations/${other.id}`, { token: adminA }));
    expect(detail.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect((await app.admin(`/v1/admin/conversations/${other.id}`, { token: adminA, method: 'DELETE' })).status).toBe(204);
    expect((await app.admin(`/v1/admin/conversations/${other.id}`, { token: adminA })).status).toBe(404);
    expect(await app.models.Message.countDocuments({ conversationId: other.id })).toBe(0);
  });

  it('pages a long conversation: the latest 50 messages with the detail, older pages by cursor', async () => {
    const long = await visitor.newConversation();
    const conversation = await app.models.Conversation.findById(long.id).lean();
    const start = Date.now() - 1_000_000;
    await app.models.Message.collection.insertMany(
      Array.from({ length: 120 }, (_, i) => ({
        _id: new Types.ObjectId(),
        tenantId: conversation?.tenantId,
        siteId: conversation?.siteId,
        conversationId: conversation?._id,
        role: i % 2 ? 'assistant' : 'user',
        text: `m${i}`,
        images: [],
        status: 'complete',
        errorCode: null,
        clientMessageId: `p${Math.floor(i / 2)}`,
        model: null,
        usage: null,
        feedback: null,
        day: new Date(start).toISOString().slice(0, 10),
        createdAt: new Date(start + i * 1000),
        updatedAt: new Date(start + i * 1000),
      })),
    );
    await app.models.ConversationWindow.updateOne({ _id: long.id }, { $set: { stale: true } });
    const texts = (items: { text: string }[]) => items.map((m) => m.text);
    const detail = await json(await app.admin(`/v1/admin/conversations/${long.id}`, { token: adminA }));
    expect(texts(detail.messages)).toEqual(Array.from({ length: 50 }, (_, i) => `m${70 + i}`));
    const older = await json(
      await app.admin(`/v1/admin/conversations/${long.id}/messages?limit=50&cursor=${detail.messagesCursor}`, { token: adminA }),
    );
    expect(texts(older.items)).toEqual(Array.from({ length: 50 }, (_, i) => `m${20 + i}`));
    const oldest = await json(
      await app.admin(`/v1/admin/conversations/${long.id}/messages?limit=50&cursor=${older.nextCursor}`, { token: adminA }),
    );
    expect(texts(oldest.items)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
    expect(oldest.nextCursor).toBeNull();
    // Short conversations come whole, without a cursor; other tenants get 404; a bad cursor is 400.
    const short = await json(await app.admin(`/v1/admin/conversations/${conversationA.id}`, { token: adminA }));
    expect(short.messagesCursor).toBeNull();
    expect((await app.admin(`/v1/admin/conversations/${long.id}/messages`, { token: adminB })).status).toBe(404);
    expect((await app.admin(`/v1/admin/conversations/${long.id}/messages?cursor=nope`, { token: adminA })).status).toBe(400);
  });

  it('filters by rating after feedback', async () => {
    const conversation = await visitor.newConversation();
    const { events } = await visitor.send(conversation.id, 'Hours?', 'r1');
    const answer = events.at(-1)?.data as { id: string };
    await visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'down' } });
    const down = await json(await app.admin('/v1/admin/conversations?rating=down', { token: adminA }));
    expect(down.items.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    expect(down.items[0].ratingDown).toBe(1);
    const stats = await json(await app.admin('/v1/admin/stats?days=7', { token: adminA }));
    expect(stats.days).toHaveLength(7);
    expect(stats.ratings.down).toBe(1);
  });
});

describe('local mode', () => {
  it('accepts only the local admin token', async () => {
    const local = await startTestApp(new URL('./adminRoutes.local.test.ts', import.meta.url).href);
    try {
      expect((await local.admin('/v1/admin/me')).status).toBe(200);
      expect(await json(await local.admin('/v1/admin/me'))).toEqual({
        tenantId: 'local',
        role: 'admin',
        userId: null,
        agent: { id: 'local-admin', name: 'Support' },
        displayName: null,
      });
      const wrong = await local.request('/v1/admin/me', { token: 'x'.repeat(32) });
      expect(wrong.status).toBe(401);
      expect((await json(await local.request('/v1/admin/auth/config'))).mode).toBe('local');
    } finally {
      await local.close();
    }
  });
});
