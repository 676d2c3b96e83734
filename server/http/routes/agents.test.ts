import { afterAll, describe, expect, it } from 'vitest';
import type { AdminConversationDetail, Me } from '../../../contract/admin.js';
import type { Message } from '../../../contract/messages.js';
import { clerkTestKit } from '../../test/clerkTokens.js';
import { json } from '../../test/json.js';
import { openLiveStream } from '../../test/liveStream.js';
import { startTestApp } from '../../test/testApp.js';

// Agents signed in with Clerk (tokens minted here, verified networklessly): who they are, and their inbox stream.
const clerk = await clerkTestKit();
const app = await startTestApp(import.meta.url, { adminAuth: clerk.auth });
afterAll(() => app.close());

const named = await clerk.token({ userId: 'user_grace', orgId: 'org_a', role: 'member', extra: { name: 'Grace Hopper' } });
const unnamed = await clerk.token({ userId: 'user_alan', orgId: 'org_a', role: 'admin' });
const site = await app.createSite({ name: 'Agents shop', allowedOrigins: ['http://localhost:5173'] }, unnamed);

const me = async (token: string) => (await json(await app.admin('/v1/admin/me', { token }))) as Me;
const setName = (token: string, displayName: string | null | number) =>
  app.admin('/v1/admin/me', { token, method: 'PATCH', json: { displayName } });
const reply = async (token: string, conversationId: string, text: string) =>
  (await json(
    await app.admin(`/v1/admin/conversations/${conversationId}/messages`, { token, method: 'POST', json: { text } }),
  )) as Message;

async function waitingVisitor() {
  const visitor = await app.startVisitor(site.publicKey);
  const conversation = await visitor.newConversation();
  await visitor.request(`/v1/widget/conversations/${conversation.id}/handoff`, { method: 'POST', json: {} });
  return { visitor, conversation };
}

describe('agents’ names', () => {
  it('come from the session token’s name claim, else "Support"; a name set in the dashboard wins', async () => {
    expect(await me(named)).toMatchObject({ userId: 'user_grace', agent: { id: 'user_grace', name: 'Grace Hopper' } });
    expect(await me(unnamed)).toMatchObject({ agent: { id: 'user_alan', name: 'Support' }, displayName: null });

    // Members name themselves too (it is their own profile, not a setting of the organization).
    const set = await setName(named, '  Grace  ');
    expect(set.status).toBe(200);
    expect(await json(set)).toMatchObject({ agent: { id: 'user_grace', name: 'Grace' }, displayName: 'Grace' });
    expect(await me(named)).toMatchObject({ agent: { name: 'Grace' } });
    expect(await json(await setName(named, null))).toMatchObject({ agent: { name: 'Grace Hopper' }, displayName: null });

    for (const bad of ['   ', 'x'.repeat(81), 42])
      expect(await json(await setName(unnamed, bad))).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('are a per-organization setting of each agent', async () => {
    const otherOrg = await clerk.token({ userId: 'user_alan', orgId: 'org_b', role: 'admin' });
    await setName(unnamed, 'Alan at A');
    expect(await me(unnamed)).toMatchObject({ agent: { name: 'Alan at A' } });
    expect(await me(otherOrg)).toMatchObject({ tenantId: 'org:org_b', agent: { id: 'user_alan', name: 'Support' } });
    await setName(unnamed, null);
  });

  it('are stored on each reply when written: the visitor and the transcripts show it, a rename rewrites nothing', async () => {
    const { visitor, conversation } = await waitingVisitor();
    await setName(unnamed, 'Alan');
    const taken = await json(
      await app.admin(`/v1/admin/conversations/${conversation.id}/takeover`, { token: unnamed, method: 'POST' }),
    );
    expect(taken).toMatchObject({ mode: 'human', assignee: { id: 'user_alan', name: 'Alan' } });
    expect(await reply(unnamed, conversation.id, 'Hello from Alan')).toMatchObject({ author: { id: 'user_alan', name: 'Alan' } });
    expect(await reply(named, conversation.id, 'And Grace')).toMatchObject({
      author: { id: 'user_grace', name: 'Grace Hopper' },
    });
    await setName(unnamed, 'Alan T.');

    const history = (await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`))) as {
      items: Message[];
    };
    expect(history.items.map((m) => m.author?.name)).toEqual(['Alan', 'Grace Hopper']);
    const detail = (await json(
      await app.admin(`/v1/admin/conversations/${conversation.id}`, { token: unnamed }),
    )) as AdminConversationDetail;
    expect(detail.messages.map((m) => m.author?.name)).toEqual(['Alan', 'Grace Hopper']);
    await setName(unnamed, null);
  });
});

describe('the inbox stream and the session token', () => {
  it('ends at the token’s expiry; reopened with a fresh token and Last-Event-ID, it misses and doubles nothing', async () => {
    const { conversation } = await waitingVisitor();
    const shortLived = await clerk.token({ userId: 'user_alan', orgId: 'org_a', role: 'admin', expiresIn: 5 });
    const first = await openLiveStream(`${app.url}/v1/admin/events`, shortLived);
    expect(first.res.status).toBe(200);
    await reply(unnamed, conversation.id, 'one');
    const seen = await first.waitFor(2);
    expect(seen.map((e) => e.event)).toEqual(['message', 'conversation']);
    await first.whenEnded(9000);
    // At the token's own expiry, not before.
    const { exp } = JSON.parse(Buffer.from(shortLived.split('.')[1] as string, 'base64url').toString()) as { exp: number };
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 20);

    // While it was closed, and after: each event once, in order.
    await reply(unnamed, conversation.id, 'two');
    const fresh = await clerk.token({ userId: 'user_alan', orgId: 'org_a', role: 'admin' });
    const second = await openLiveStream(`${app.url}/v1/admin/events`, fresh, { 'last-event-id': first.lastId() as string });
    await reply(unnamed, conversation.id, 'three');
    const resumed = await second.waitFor(4);
    const texts = resumed.filter((e) => e.event === 'message').map((e) => (e.data as { message: Message }).message.text);
    expect(texts).toEqual(['two', 'three']);
    expect(resumed.map((e) => Number(e.id))).toEqual([1, 2, 3, 4].map((n) => Number(first.lastId()) + n));
    second.close();
  }, 20_000);

  it('an expired token cannot open it', async () => {
    const expired = await clerk.token({ userId: 'user_alan', orgId: 'org_a', expiresIn: -60 });
    expect((await openLiveStream(`${app.url}/v1/admin/events`, expired)).res.status).toBe(401);
  });
});
