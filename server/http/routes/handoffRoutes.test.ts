import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import type { AdminConversation, AdminConversationDetail, Me } from '../../../contract/admin.js';
import type { HandoffResponse } from '../../../contract/index.js';
import type { Message } from '../../../contract/messages.js';
import { eventually } from '../../test/eventually.js';
import { openLiveStream } from '../../test/liveStream.js';
import { startGeminiTestApp } from '../../test/testApp.js';

// A real SMTP server on loopback receives the reminder emails.
const mails: { to: string[]; body: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    let body = '';
    stream.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    stream.on('end', () => {
      // Quoted-printable: long lines are wrapped with soft breaks.
      body = body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
      mails.push({ to: session.envelope.rcptTo.map((r) => r.address), body });
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
const smtpPort = (smtp.server.address() as { port: number }).port;

const app = await startGeminiTestApp(import.meta.url, {
  env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
  services: { handoffReminderMs: 400 },
});
const fake = app.gemini;
afterAll(async () => {
  await app.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const site = await app.createSite({ name: 'Handoff shop', handoffEmails: ['owner@shop.example'] });
const quiet = await app.createSite({ name: 'Quiet shop' });
const ORIGIN = { origin: 'http://localhost:5173' };

async function visitorWithConversation(siteKey = site.publicKey) {
  const visitor = await app.startVisitor(siteKey);
  const conversation = await visitor.newConversation();
  const handoff = async (body: unknown = {}) => {
    const res = await visitor.request(`/v1/widget/conversations/${conversation.id}/handoff`, { method: 'POST', json: body });
    return { status: res.status, body: (await res.json()) as HandoffResponse };
  };
  const stream = (headers: Record<string, string> = {}) =>
    openLiveStream(`${app.url}/v1/widget/conversations/${conversation.id}/events`, visitor.token, { ...ORIGIN, ...headers });
  return { visitor, conversation, handoff, stream };
}

const adminPost = async (path: string, json?: unknown) => {
  const res = await app.admin(path, { method: 'POST', ...(json === undefined ? {} : { json }) });
  return { status: res.status, body: await res.json() };
};
const adminDetail = async (id: string) =>
  (await (await app.admin(`/v1/admin/conversations/${id}`)).json()) as AdminConversationDetail;
const inbox = () => openLiveStream(`${app.url}/v1/admin/events`, app.adminToken);

describe('POST /v1/widget/conversations/:id/handoff', () => {
  it('asks for a person once (idempotent), keeps the email and says whether someone is online', async () => {
    const { conversation, handoff } = await visitorWithConversation(quiet.publicKey);
    const first = await handoff({ email: 'ada@example.com' });
    expect(first).toMatchObject({
      status: 200,
      body: { conversation: { id: conversation.id, mode: 'waiting' }, agentsOnline: false },
    });
    const before = await adminDetail(conversation.id);
    expect(before).toMatchObject({ mode: 'waiting', email: 'ada@example.com', assignee: null, unread: 0 });
    expect(before.waitingSince).not.toBeNull();

    // An agent opens the inbox: someone is online. A second request changes nothing.
    const agent = await inbox();
    const second = await handoff();
    expect(second.body).toEqual({ ...first.body, agentsOnline: true });
    expect((await adminDetail(conversation.id)).waitingSince).toBe(before.waitingSince);
    agent.close();
    await eventually(async () => !(await handoff()).body.agentsOnline, 5000);
  });

  it('refuses a bad email and another visitor’s conversation', async () => {
    const { handoff, conversation } = await visitorWithConversation();
    expect(await handoff({ email: 'not-an-email' })).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
    const other = await app.startVisitor(site.publicKey);
    const res = await other.request(`/v1/widget/conversations/${conversation.id}/handoff`, { method: 'POST', json: {} });
    expect(res.status).toBe(404);
    const stream = await openLiveStream(`${app.url}/v1/widget/conversations/${conversation.id}/events`, other.token, ORIGIN);
    expect(stream.res.status).toBe(404);
  });
});

describe('agents coming and going', () => {
  it('tell waiting visitors live: "no one is online" flips when an agent opens the inbox, and back when the last leaves', async () => {
    const { handoff, stream } = await visitorWithConversation(quiet.publicKey);
    expect((await handoff()).body.agentsOnline).toBe(false);
    const tab = await stream();
    expect((await tab.waitFor(1))[0]).toMatchObject({ event: 'mode', data: { mode: 'waiting', agentsOnline: false } });

    const first = await inbox();
    expect((await tab.waitFor(2))[1]).toMatchObject({ event: 'mode', data: { mode: 'waiting', agentsOnline: true } });
    // A second agent changes nothing for the visitor; the last one leaving does.
    const second = await inbox();
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(tab.events).toHaveLength(2);
    second.close();
    expect((await tab.waitFor(3))[2]).toMatchObject({ event: 'mode', data: { mode: 'waiting', agentsOnline: false } });
    tab.close();
  });
});

describe('the local admin as an agent', () => {
  it('GET /me carries the agent id conversations are assigned to; a display name set there names the replies', async () => {
    const me = async () => (await (await app.admin('/v1/admin/me')).json()) as Me;
    expect(await me()).toEqual({
      tenantId: 'local',
      role: 'admin',
      userId: null,
      agent: { id: 'local-admin', name: 'Support' },
      displayName: null,
    });
    const { conversation, handoff } = await visitorWithConversation();
    await handoff();
    const taken = await adminPost(`/v1/admin/conversations/${conversation.id}/takeover`);
    expect((taken.body as AdminConversation).assignee?.id).toBe((await me()).agent.id);

    const named = await app.admin('/v1/admin/me', { method: 'PATCH', json: { displayName: 'Ada' } });
    expect(await named.json()).toMatchObject({ agent: { id: 'local-admin', name: 'Ada' }, displayName: 'Ada' });
    const reply = await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: 'Ada here' });
    expect(reply.body).toMatchObject({ author: { id: 'local-admin', name: 'Ada' } });
    await app.admin('/v1/admin/me', { method: 'PATCH', json: { displayName: null } });
    expect((await me()).agent.name).toBe('Support');
  });
});

describe('the send path while a person is involved', () => {
  it('stores and echoes the question, delivers it to the agents and makes no model call', async () => {
    const { visitor, conversation, handoff } = await visitorWithConversation();
    await handoff();
    const agent = await inbox();
    const calls = fake.requests.length;
    const sent = await visitor.send(conversation.id, 'Is anyone there?', 'q-person-1');
    expect(sent.events.map((e) => e.event)).toEqual(['message', 'delivered']);
    expect(sent.events[1]?.data).toEqual({ mode: 'waiting', agentsOnline: true, assignee: null, handoffRequested: false });
    expect(fake.requests.length).toBe(calls);

    const live = await agent.waitFor(2);
    expect(live.map((e) => e.event)).toEqual(['message', 'conversation']);
    expect(live[0]?.data).toMatchObject({ conversationId: conversation.id, message: { role: 'user', text: 'Is anyone there?' } });
    expect(live[1]?.data).toMatchObject({ id: conversation.id, mode: 'waiting', unread: 1 });
    expect(Number(live[1]?.id)).toBe(Number(live[0]?.id) + 1);

    // A retry of the same send replays it, still without a model call.
    const again = await visitor.send(conversation.id, 'Is anyone there?', 'q-person-1');
    expect(again.events.map((e) => e.event)).toEqual(['message', 'delivered']);
    expect(fake.requests.length).toBe(calls);
    agent.close();
  });

  it('recognises a message asking for a person and starts the handoff with it', async () => {
    const { visitor, conversation } = await visitorWithConversation();
    const calls = fake.requests.length;
    const sent = await visitor.send(conversation.id, 'Ich möchte mit einem Menschen sprechen', 'q-human');
    expect(sent.events.map((e) => e.event)).toEqual(['message', 'delivered']);
    expect(sent.events[1]?.data).toMatchObject({ mode: 'waiting', handoffRequested: true });
    expect(fake.requests.length).toBe(calls);
    const list = (await (await visitor.request('/v1/widget/conversations')).json()) as { items: { id: string; mode: string }[] };
    expect(list.items.find((c) => c.id === conversation.id)?.mode).toBe('waiting');
  });
});

describe('takeover, reply, release and close', () => {
  it('reach the visitor live, and the assistant answers again once released or closed', async () => {
    const { visitor, conversation, handoff, stream } = await visitorWithConversation();
    await handoff();
    const tab = await stream();
    expect((await tab.waitFor(1))[0]).toMatchObject({ event: 'mode', data: { mode: 'waiting', assignee: null } });

    const taken = await adminPost(`/v1/admin/conversations/${conversation.id}/takeover`);
    expect(taken).toMatchObject({ status: 200, body: { mode: 'human', assignee: { id: 'local-admin', name: 'Support' } } });
    expect((await tab.waitFor(2))[1]).toMatchObject({ event: 'mode', data: { mode: 'human', assignee: { name: 'Support' } } });

    const reply = await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: '  Hi, I am here.  ' });
    expect(reply).toMatchObject({ status: 201, body: { role: 'agent', text: 'Hi, I am here.', author: { name: 'Support' } } });
    const delivered = (await tab.waitFor(3))[2];
    expect(delivered).toMatchObject({ event: 'message', data: { id: (reply.body as Message).id, role: 'agent' } });

    const detail = await adminDetail(conversation.id);
    expect(detail).toMatchObject({ mode: 'human', unread: 0, waitingSince: null });
    expect(detail.messages.map((m) => m.role)).toEqual(['agent']);
    const history = (await (await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`)).json()) as {
      items: Message[];
    };
    expect(history.items.map((m) => m.author?.name ?? null)).toEqual(['Support']);

    // Members' replies are validated like every body.
    const blank = await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: '   ' });
    expect(blank).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });

    const released = await adminPost(`/v1/admin/conversations/${conversation.id}/release`);
    expect(released.body as AdminConversation).toMatchObject({ mode: 'ai', assignee: null });
    expect((await tab.waitFor(4))[3]).toMatchObject({ event: 'mode', data: { mode: 'ai' } });
    const calls = fake.requests.length;
    const answered = await visitor.send(conversation.id, 'Thanks, and what are your hours?', 'q-after-release');
    expect(answered.events.at(-1)?.event).toBe('done');
    expect(fake.requests.length).toBe(calls + 1);
    // The model is told what the agent said, as a person's words, after what the visitor said to them.
    const asked = fake.requests.at(-1)?.body;
    const contents = (asked?.contents ?? []).map((c) => ({ role: c.role, text: c.parts.map((p) => p.text).join('') }));
    expect(contents.slice(-2)).toEqual([
      { role: 'model', text: '[Support, a person of the team, wrote:] Hi, I am here.' },
      { role: 'user', text: 'Thanks, and what are your hours?' },
    ]);
    expect(asked?.systemInstruction?.parts[0]?.text).toContain('a human colleague who took over the chat');

    const closed = await adminPost(`/v1/admin/conversations/${conversation.id}/close`);
    expect(closed.body).toMatchObject({ mode: 'closed' });
    expect(await adminPost(`/v1/admin/conversations/${conversation.id}/close`)).toMatchObject({
      status: 200,
      body: { mode: 'closed' },
    });
    const reopened = await visitor.send(conversation.id, 'One more question', 'q-after-close');
    expect(reopened.events.at(-1)?.event).toBe('done');
    expect((await adminDetail(conversation.id)).mode).toBe('ai');
    tab.close();
  });

  it('answers 404 for a conversation that does not exist', async () => {
    const missing = 'a'.repeat(24);
    for (const action of ['takeover', 'release', 'close'])
      expect((await adminPost(`/v1/admin/conversations/${missing}/${action}`)).status).toBe(404);
    expect((await adminPost(`/v1/admin/conversations/${missing}/messages`, { text: 'Hi' })).status).toBe(404);
  });
});

describe('GET /v1/widget/conversations/:id/events', () => {
  it('resumes after a dropped connection with Last-Event-ID, without loss or duplicates', async () => {
    const { visitor, conversation, handoff, stream } = await visitorWithConversation();
    await handoff();
    await adminPost(`/v1/admin/conversations/${conversation.id}/takeover`);
    const first = await stream();
    await first.waitFor(1);
    await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: 'one' });
    await first.waitFor(2);
    const lastSeen = first.lastId() as string;
    first.close();

    // While disconnected: two replies, and the visitor's own message from another tab.
    await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: 'two' });
    await visitor.send(conversation.id, 'from another tab', 'q-tab-2');
    await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: 'three' });

    const resumed = await stream({ 'last-event-id': lastSeen });
    const missed = await resumed.waitFor(3);
    expect(missed.map((e) => (e.data as Message).text)).toEqual(['two', 'from another tab', 'three']);
    expect(missed.map((e) => Number(e.id))).toEqual([1, 2, 3].map((n) => Number(lastSeen) + n));
    await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: 'four' });
    expect((await resumed.waitFor(4))[3]?.data).toMatchObject({ text: 'four' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(resumed.events).toHaveLength(4);
    resumed.close();
  });

  it('ends when the visitor token expires', async () => {
    const { visitor, conversation } = await visitorWithConversation();
    const secret = readFileSync(join(app.dataDir, 'visitor-token.secret'), 'utf8').trim();
    const claims = visitor.session;
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ site: site.id, ten: 'local' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.visitorId)
      .setIssuer('chatwidget')
      .setAudience('widget')
      .setIssuedAt(now)
      .setExpirationTime(now + 2)
      .sign(new TextEncoder().encode(secret));
    const live = await openLiveStream(`${app.url}/v1/widget/conversations/${conversation.id}/events`, shortLived, ORIGIN);
    expect(live.res.status).toBe(200);
    await live.whenEnded(4000);
    expect(live.ended).toBe(true);
  });
});

describe('the reply-time email', () => {
  it('emails the site’s handoff addresses with a link when a waiting visitor has no reply, once', async () => {
    const { conversation, handoff } = await visitorWithConversation();
    await handoff({ email: 'visitor@example.com' });
    await eventually(() => mails.some((m) => m.body.includes(conversation.id)), 5000);
    const mail = mails.find((m) => m.body.includes(conversation.id));
    expect(mail?.to).toEqual(['owner@shop.example']);
    expect(mail?.body).toContain('A visitor is waiting for a reply');
    expect(mail?.body).toContain(`/dashboard/conversations/${conversation.id}`);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(mails.filter((m) => m.body.includes(conversation.id))).toHaveLength(1);
  });

  it('sends nothing when an agent replied in time', async () => {
    const { conversation, handoff } = await visitorWithConversation();
    await handoff();
    await adminPost(`/v1/admin/conversations/${conversation.id}/messages`, { text: 'Right here.' });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(mails.some((m) => m.body.includes(conversation.id))).toBe(false);
  });
});
