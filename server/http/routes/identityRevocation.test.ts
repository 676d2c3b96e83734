import { afterAll, describe, expect, it } from 'vitest';
import { userHashFor } from '../../domain/sessionService.js';
import { json } from '../../test/json.js';
import { startTestApp } from '../../test/testApp.js';

/**
 * A visitor token of an identified user is bound to the identity secret it was verified with: once the
 * secret is rotated or verification is switched off, it reads and writes that user's conversations no
 * more (401, so the widget starts a new session). Anonymous visitors keep their history.
 */

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const ORIGIN = 'http://localhost:5173';
const patch = (id: string, body: unknown) => app.admin(`/v1/admin/sites/${id}`, { method: 'PATCH', json: body });

async function setUp() {
  const site = await app.createSite({ name: 'Verified', allowedOrigins: [ORIGIN], identityVerification: true });
  const secret = site.identitySecret as string;
  const user = { id: 'user-7', name: 'Grace', userHash: userHashFor(secret, 'user-7') };
  const identified = await app.startVisitor(site.publicKey, { user });
  const anonymous = await app.startVisitor(site.publicKey);
  const mine = await identified.newConversation();
  await identified.send(mine.id, 'my private question', 'id-1');
  const theirs = await anonymous.newConversation();
  await anonymous.send(theirs.id, 'anonymous question', 'an-1');
  return { site, secret, user, identified, anonymous, mine, theirs };
}

type Visitor = Awaited<ReturnType<typeof setUp>>['identified'];

let sends = 0;
/** Every kind of use of a token: list, read, write, send. */
async function uses(visitor: Visitor, conversationId: string) {
  const list = await visitor.request('/v1/widget/conversations');
  const read = await visitor.request(`/v1/widget/conversations/${conversationId}/messages`);
  const create = await visitor.request('/v1/widget/conversations', { method: 'POST', json: {} });
  const send = await visitor.send(conversationId, 'still me?', `again-${sends++}`);
  return { list, read, create, send: send.res };
}

async function expectRevoked(visitor: Visitor, conversationId: string) {
  for (const [what, res] of Object.entries(await uses(visitor, conversationId))) {
    const text = await res.text();
    expect(`${what} → ${res.status}`).toBe(`${what} → 401`);
    expect(JSON.parse(text).error.code).toBe('identity_revoked');
    expect(text).not.toContain('my private question');
  }
}

async function expectWorks(visitor: Visitor, conversationId: string) {
  for (const [what, res] of Object.entries(await uses(visitor, conversationId)))
    expect(`${what} → ${res.status}`).toMatch(/→ 20[01]$/);
}

describe('identified visitor tokens stop carrying the identity once the secret changes', () => {
  it('rotation: the old token is refused everywhere, the anonymous visitor keeps its history', async () => {
    const { site, user, identified, anonymous, mine, theirs } = await setUp();
    await expectWorks(identified, mine.id);
    expect((await patch(site.id, { rotateIdentitySecret: true })).status).toBe(200);

    await expectRevoked(identified, mine.id);
    await expectWorks(anonymous, theirs.id);
    const history = await json(await anonymous.request(`/v1/widget/conversations/${theirs.id}/messages`));
    expect(history.items.map((m: { text: string }) => m.text)).toContain('anonymous question');

    // The old hash no longer signs in; the new one brings the same user back to their conversations.
    const stale = await app.request('/v1/widget/sessions', {
      method: 'POST',
      headers: { origin: ORIGIN },
      json: { siteKey: site.publicKey, user },
    });
    expect(stale.status).toBe(401);
    const { identitySecret } = await json(await app.admin(`/v1/admin/sites/${site.id}/identity-secret`, { method: 'POST' }));
    const again = await app.startVisitor(site.publicKey, { user: { ...user, userHash: userHashFor(identitySecret, user.id) } });
    expect(again.session.visitorId).toBe(identified.session.visitorId);
    await expectWorks(again, mine.id);
  });

  it('switching verification off (and on again) revokes the identified token too', async () => {
    const { site, identified, anonymous, mine, theirs } = await setUp();
    expect((await patch(site.id, { identityVerification: false })).status).toBe(200);
    await expectRevoked(identified, mine.id);
    await expectWorks(anonymous, theirs.id);
    expect((await patch(site.id, { identityVerification: true })).status).toBe(200);
    await expectRevoked(identified, mine.id);
  });

  it('other changes to the site leave identified tokens alone', async () => {
    const { site, identified, mine } = await setUp();
    expect((await patch(site.id, { name: 'Renamed', persona: 'Brief.', identityVerification: true })).status).toBe(200);
    await expectWorks(identified, mine.id);
  });

  it('a revoked token resumes no one: a session started with it is a new anonymous visitor', async () => {
    const { site, identified } = await setUp();
    await patch(site.id, { rotateIdentitySecret: true });
    const fresh = await app.startVisitor(site.publicKey, { visitorToken: identified.token });
    expect(fresh.session.visitorId).not.toBe(identified.session.visitorId);
    expect(fresh.session.user).toBeNull();
    expect((await json(await fresh.request('/v1/widget/conversations'))).items).toEqual([]);
  });
});
