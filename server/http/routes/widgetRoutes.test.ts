import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../../contract/messages.js';
import { NO_MATCH } from '../../ai/offlineModel.js';
import { userHashFor } from '../../domain/sessionService.js';
import { json } from '../../test/json.js';
import { startTestApp } from '../../test/testApp.js';

const app = await startTestApp(import.meta.url);
afterAll(() => app.close());

const site = await app.createSite({
  name: 'Plants',
  allowedOrigins: ['https://plants.example', 'https://*.shop.example'],
  faq: [{ question: 'What are your opening hours?', answer: 'We are open **9 to 5**, Monday to Friday.' }],
});

describe('POST /v1/widget/sessions', () => {
  const start = (origin: string | undefined, body: unknown) =>
    app.request('/v1/widget/sessions', { method: 'POST', headers: origin ? { origin } : {}, json: body });

  it('returns a visitor token and the public site config for an allowed origin', async () => {
    const res = await start('https://plants.example', { siteKey: site.publicKey });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://plants.example');
    const body = await json(res);
    expect(body).toMatchObject({ visitorId: expect.stringMatching(/^[a-f0-9]{24}$/), user: null });
    expect(body.site).toEqual({
      id: site.id,
      name: 'Plants',
      look: site.look,
      identityVerification: false,
      leadCapture: null,
    });
    expect(JSON.stringify(body)).not.toContain(site.publicKey.slice(3)); // nothing private beyond what the page has
  });

  it('accepts subdomains of a wildcard origin and local development origins in local mode', async () => {
    expect((await start('https://a.shop.example', { siteKey: site.publicKey })).status).toBe(200);
    expect((await start('http://localhost:8080', { siteKey: site.publicKey })).status).toBe(200);
  });

  it('refuses other origins with 403', async () => {
    const res = await start('https://evil.example', { siteKey: site.publicKey });
    expect(res.status).toBe(403);
    expect(await json(res)).toEqual({
      error: { code: 'origin_not_allowed', message: 'This site does not allow the widget on this origin' },
    });
    expect((await start('https://shop.example.evil.example', { siteKey: site.publicKey })).status).toBe(403);
  });

  it('answers 404 for an unknown site key and 400 for a malformed body', async () => {
    expect((await start('https://plants.example', { siteKey: 'pk_nope' })).status).toBe(404);
    const bad = await start('https://plants.example', { siteKey: { $gt: '' } });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe('invalid_request');
  });

  it('resumes the same visitor with an earlier token', async () => {
    const first = await json(await start('https://plants.example', { siteKey: site.publicKey }));
    const again = await json(
      await start('https://plants.example', { siteKey: site.publicKey, visitorToken: first.visitorToken }),
    );
    expect(again.visitorId).toBe(first.visitorId);
  });

  it('verifies identified users by HMAC and refuses unverified ones', async () => {
    const verified = await app.createSite({ name: 'Verified', identityVerification: true });
    expect(verified.identitySecret).toMatch(/^[a-f0-9]{64}$/);
    const user = { id: 'user-42', name: 'Ada', email: 'ada@example.com' };
    const wrong = await start(undefined, { siteKey: verified.publicKey, user: { ...user, userHash: 'a'.repeat(64) } });
    expect(wrong.status).toBe(401);
    expect((await json(wrong)).error.code).toBe('identity_invalid');
    const missing = await start(undefined, { siteKey: verified.publicKey, user });
    expect(missing.status).toBe(401);

    const userHash = userHashFor(verified.identitySecret as string, user.id);
    const one = await json(await start(undefined, { siteKey: verified.publicKey, user: { ...user, userHash } }));
    const two = await json(await start(undefined, { siteKey: verified.publicKey, user: { ...user, userHash } }));
    expect(one.user).toEqual({ id: 'user-42', name: 'Ada' });
    expect(two.visitorId).toBe(one.visitorId); // same history on every device

    const unverifiedSite = await start(undefined, { siteKey: site.publicKey, user: { ...user, userHash } });
    expect(unverifiedSite.status).toBe(403);
    expect((await json(unverifiedSite)).error.code).toBe('identity_not_enabled');
  });
});

describe('conversations and messages', () => {
  it('streams an offline answer: message, deltas, done, all stored', async () => {
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const { res, events } = await visitor.send(conversation.id, 'When are you open?', 'c1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(res.headers.get('x-accel-buffering')).toBe('no');

    const names = events.map((e) => e.event);
    expect(names[0]).toBe('message');
    expect(names.at(-1)).toBe('done');
    expect(names.slice(1, -1).every((n) => n === 'delta')).toBe(true);
    expect(names.length).toBeGreaterThan(3);
    const question = events[0]?.data as Message;
    const answer = events.at(-1)?.data as Message;
    expect(question).toMatchObject({ role: 'user', text: 'When are you open?', status: 'complete', clientMessageId: 'c1' });
    const streamed = events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.data as { text: string }).text)
      .join('');
    expect(answer).toMatchObject({ role: 'assistant', status: 'complete', model: 'offline', text: streamed });
    expect(answer.text).toContain('9 to 5');

    const history = await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`));
    expect(history.items.map((m: Message) => [m.role, m.status, m.text])).toEqual([
      ['user', 'complete', 'When are you open?'],
      ['assistant', 'complete', answer.text],
    ]);
    const list = await json(await visitor.request('/v1/widget/conversations'));
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ id: conversation.id, messageCount: 2, title: 'When are you open?' });
  });

  it('records the page, browser and first accepted language of a new conversation', async () => {
    const visitor = await app.startVisitor(site.publicKey);
    const create = (language: string) =>
      visitor.request('/v1/widget/conversations', {
        method: 'POST',
        json: { pageUrl: 'https://plants.example/pricing' },
        headers: { 'accept-language': language, 'user-agent': 'TestBrowser/1.0' },
      });
    const french = await json(await create('fr-CH, fr;q=0.9, en;q=0.8'));
    const anything = await json(await create('*'));
    const detail = await json(await app.admin(`/v1/admin/conversations/${french.id}`));
    expect(detail).toMatchObject({ pageUrl: 'https://plants.example/pricing', userAgent: 'TestBrowser/1.0', locale: 'fr-CH' });
    expect((await json(await app.admin(`/v1/admin/conversations/${anything.id}`))).locale).toBeNull();
  });

  it('says plainly when nothing matches offline', async () => {
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const { events } = await visitor.send(conversation.id, 'Do you sell quantum computers?', 'c1');
    expect((events.at(-1)?.data as Message | undefined)?.text).toContain(NO_MATCH);
  });

  it('replays the stored result for the same clientMessageId instead of answering twice', async () => {
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const first = await visitor.send(conversation.id, 'opening hours?', 'same-id');
    const second = await visitor.send(conversation.id, 'opening hours?', 'same-id');
    expect(second.events.map((e) => e.event)).toEqual(['message', 'done']);
    expect(second.events[0]?.data).toEqual(first.events[0]?.data);
    expect(second.events[1]?.data).toEqual(first.events.at(-1)?.data);
    const history = await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`));
    expect(history.items).toHaveLength(2);
  });

  it('pages history from the latest messages backwards', async () => {
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    for (let i = 1; i <= 3; i++) await visitor.send(conversation.id, `question ${i}`, `q${i}`);
    const latest = await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages?limit=4`));
    expect(latest.items.map((m: Message) => m.text.slice(0, 10))).toEqual([
      'question 2',
      expect.any(String),
      'question 3',
      expect.any(String),
    ]);
    expect(latest.nextCursor).toEqual(expect.any(String));
    const older = await json(
      await visitor.request(`/v1/widget/conversations/${conversation.id}/messages?limit=4&cursor=${latest.nextCursor}`),
    );
    expect(older.items.map((m: Message) => m.role)).toEqual(['user', 'assistant']);
    expect(older.items[0].text).toBe('question 1');
    expect(older.nextCursor).toBeNull();
  });

  it('records feedback on answers only', async () => {
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const { events } = await visitor.send(conversation.id, 'hours?', 'f1');
    const answer = events.at(-1)?.data as Message;
    const question = events[0]?.data as Message;
    const rated = await visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'up' } });
    expect(rated.status).toBe(200);
    expect((await json(rated)).feedback).toBe('up');
    const onQuestion = await visitor.request(`/v1/widget/messages/${question.id}/feedback`, {
      method: 'POST',
      json: { rating: 'up' },
    });
    expect(onQuestion.status).toBe(409);
  });
});

describe('visitor isolation', () => {
  it('a second visitor reaches none of the first one’s conversations or messages (404)', async () => {
    const alice = await app.startVisitor(site.publicKey);
    const bob = await app.startVisitor(site.publicKey);
    const conversation = await alice.newConversation();
    const { events } = await alice.send(conversation.id, 'hours?', 'a1');
    const answer = events.at(-1)?.data as Message;

    expect((await json(await bob.request('/v1/widget/conversations'))).items).toEqual([]);
    const attempts = [
      bob.request(`/v1/widget/conversations/${conversation.id}/messages`),
      bob.request(`/v1/widget/conversations/${conversation.id}/messages`, {
        method: 'POST',
        json: { text: 'hi', clientMessageId: 'b1' },
      }),
      bob.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'down' } }),
      bob.request(`/v1/widget/messages/${answer.id}/retry`, { method: 'POST' }),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect((await json(res)).error.code).toBe('not_found');
    }
  });

  it('a token of another site’s visitor is checked against that site’s origins', async () => {
    const other = await app.createSite({ name: 'Other', allowedOrigins: ['https://other.example'] });
    const visitor = await app.startVisitor(other.publicKey);
    const res = await app.request('/v1/widget/conversations', {
      token: visitor.token,
      headers: { origin: 'https://plants.example' },
    });
    expect(res.status).toBe(403);
  });

  it('requires a valid token', async () => {
    expect((await app.request('/v1/widget/conversations')).status).toBe(401);
    const forged = await app.request('/v1/widget/conversations', { token: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(forged.status).toBe(401);
    expect((await json(forged)).error).toEqual({ code: 'unauthorized', message: 'Invalid or expired visitor token' });
  });
});
