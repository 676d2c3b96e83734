import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeServer, type FakeServer } from '../test/createFakeServer.js';
import { until } from '../test/until.js';
import type { WidgetEvent } from '../types.js';
import { type ChatDeps, ChatModel } from './createChatModel.js';
import { storageKey } from './persisted.js';

let server: FakeServer;
let models: ChatModel[];
let online: boolean;

function makeModel(overrides: Partial<ChatDeps> = {}) {
  const events: { event: WidgetEvent; payload: unknown }[] = [];
  const target = new EventTarget();
  const model = new ChatModel({
    siteKey: server.siteKey,
    apiUrl: 'http://127.0.0.1:9/',
    locale: 'en',
    user: null,
    fetch: server.fetch,
    XMLHttpRequest: server.XMLHttpRequest,
    storage: localStorage,
    events: target as unknown as Window,
    isOnline: () => online,
    emit: (event, payload) => events.push({ event, payload }),
    previewUrl: () => 'blob:preview',
    ...overrides,
  });
  models.push(model);
  return { model, events, target };
}

beforeEach(() => {
  localStorage.clear();
  server = createFakeServer();
  models = [];
  online = true;
});
afterEach(() => {
  for (const m of models) m[Symbol.dispose]();
});

describe('ChatModel', () => {
  it('starts a session, sends a message and streams the answer into the history', async () => {
    const { model, events } = makeModel();
    await model.start();
    expect(model.phase.value).toBe('ready');
    expect(model.site.value?.look.title).toBe('Acme help');
    expect(model.conversationId.value).toBeNull();

    server.answers.push('Hello **there**, friend');
    model.draft.value = '  Hi  ';
    await model.send();
    expect(model.draft.value).toBe('');
    expect(model.items.value.map((i) => [i.role, i.text, i.status])).toEqual([
      ['user', 'Hi', 'complete'],
      ['assistant', 'Hello **there**, friend', 'complete'],
    ]);
    expect(model.items.value.every((i) => i.id)).toBe(true);
    const send = server.requests.find((r) => r.path.endsWith('/messages') && r.method === 'POST')!;
    expect(send.body).toMatchObject({ text: 'Hi', imageIds: [] });
    expect(send.auth).toMatch(/^Bearer tok-/);
    expect(events.map((e) => e.event)).toEqual(['message:sent', 'message:received']);
  });

  it('shows deltas while streaming and stops on request, keeping the partial answer as stopped', async () => {
    const { model } = makeModel();
    await model.start();
    server.hold = true;
    server.answers.push('One two three');
    const sending = model.send('Go');
    await until(() => model.items.value[1]?.text === 'One ');
    expect(model.streaming.value).toBe(true);
    expect(model.items.value[1]!.status).toBe('streaming');
    model.stop();
    await sending;
    expect(model.streaming.value).toBe(false);
    expect(model.items.value[1]).toMatchObject({ text: 'One ', status: 'stopped' });
    // The stored stopped answer is read back, so it gets an id and can be retried.
    await until(() => model.items.value[1]?.id);
    server.hold = false;
    server.answers.push('Fresh answer');
    await model.retry(model.items.value[1]!.key);
    expect(model.items.value.map((i) => [i.role, i.text, i.status])).toEqual([
      ['user', 'Go', 'complete'],
      ['assistant', 'Fresh answer', 'complete'],
    ]);
  });

  it('reads a stopped answer back once, by replaying its clientMessageId, not by fetching the page', async () => {
    const { model } = makeModel();
    await model.start();
    server.hold = true;
    // The server is still storing the stopped answer when it is first asked: it answers 409 and is asked again.
    server.storeStoppedAfterMs = 150;
    server.answers.push('One two three');
    const sending = model.send('Go');
    await until(() => model.items.value[1]?.text === 'One ');
    const before = server.requests.length;
    model.stop();
    await sending;
    await until(() => model.items.value[1]?.id);
    expect(model.items.value[1]).toMatchObject({ text: 'One ', status: 'stopped', errorCode: 'client_disconnected' });
    const after = server.requests.slice(before);
    expect(after.every((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(new Set(after.map((r) => (r.body as { clientMessageId: string }).clientMessageId)).size).toBe(1);
    // Only the one answer exists on the server: the replays answered nothing anew.
    expect(server.messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'stopped'],
    ]);
  });

  it('keeps a stopped answer in its place when the next question is sent before the stopped one is read back', async () => {
    const { model } = makeModel();
    await model.start();
    server.hold = true;
    server.answers.push('One two three', 'Second answer');
    const first = model.send('Go');
    await until(() => model.items.value[1]?.text === 'One ');
    model.stop();
    await first;
    // Asked at once: the next answer is still streaming when the stopped one would be read back.
    const second = model.send('Next');
    await until(() => model.items.value.at(-1)?.text === 'Second ');
    await new Promise((r) => setTimeout(r, 400));
    server.release();
    await second;
    await until(() => model.items.value.every((i) => i.id));
    expect(model.items.value.map((i) => [i.role, i.text, i.status])).toEqual([
      ['user', 'Go', 'complete'],
      ['assistant', 'One ', 'stopped'],
      ['user', 'Next', 'complete'],
      ['assistant', 'Second answer', 'complete'],
    ]);
  });

  it('keeps the text of a message that failed before streaming, resends it, and recovers from a dropped stream', async () => {
    const { model, events } = makeModel();
    await model.start();
    server.failNext = { status: 429, code: 'rate_limited' };
    await model.send('Are you there?');
    expect(model.items.value).toHaveLength(1);
    expect(model.items.value[0]).toMatchObject({ text: 'Are you there?', status: 'error', errorCode: 'rate_limited', id: null });
    expect(model.notice.value).toBe('rateLimited');
    expect(events.at(-1)).toMatchObject({ event: 'error', payload: { code: 'rate_limited' } });
    await model.retry(model.items.value[0]!.key);
    expect(model.items.value.map((i) => i.status)).toEqual(['complete', 'complete']);

    server.failNext = 'drop';
    await model.send('Again');
    expect(model.items.value.at(-2)).toMatchObject({ role: 'user', text: 'Again', status: 'complete' });
    expect(model.items.value.at(-1)).toMatchObject({ role: 'assistant', status: 'error', errorCode: 'stream_interrupted' });
    expect(model.notice.value).toBe('connectionLost');
    // Read back, the stored broken answer has an id, so Retry regenerates it.
    await until(() => model.items.value.at(-1)?.id);
    await model.retry(model.items.value.at(-1)!.key);
    expect(model.items.value.map((i) => i.status)).toEqual(['complete', 'complete', 'complete', 'complete']);
  });

  it('retries a failed answer through POST messages/:id/retry', async () => {
    const { model } = makeModel();
    await model.start();
    server.failNext = 'model_error';
    await model.send('Hello');
    const failed = model.items.value[1]!;
    expect(failed).toMatchObject({ status: 'error', errorCode: 'model_unavailable' });
    expect(failed.id).toBeTruthy();
    server.answers.push('Now it works');
    await model.retry(failed.key);
    expect(server.requests.at(-1)!.path).toBe(`messages/${failed.id}/retry`);
    expect(model.items.value.map((i) => i.text)).toEqual(['Hello', 'Now it works']);
  });

  it('rates answers, and survives a reload with the same visitor and conversation', async () => {
    const first = makeModel();
    await first.model.start();
    await first.model.send('Remember me');
    const answer = first.model.items.value[1]!;
    await first.model.rate(answer.id!, 'up');
    expect(first.model.items.value[1]!.feedback).toBe('up');
    expect(server.messages.find((m) => m.id === answer.id)!.feedback).toBe('up');
    const saved = JSON.parse(localStorage.getItem(storageKey(server.siteKey))!);
    expect(saved.conversationId).toBe(first.model.conversationId.value);

    const reloaded = makeModel();
    await reloaded.model.start();
    expect(server.sessionBodies.at(-1)!.visitorToken).toBe(saved.token);
    expect(reloaded.model.items.value.map((i) => [i.text, i.feedback])).toEqual([
      ['Remember me', null],
      ['You said: Remember me', 'up'],
    ]);
  });

  it('follows another tab through the storage event', async () => {
    const a = makeModel();
    const b = makeModel();
    await a.model.start();
    await b.model.start();
    await a.model.send('From tab A');
    b.target.dispatchEvent(new StorageEvent('storage', { key: storageKey(server.siteKey) }));
    await until(() => b.model.items.value.length === 2);
    expect(b.model.conversationId.value).toBe(a.model.conversationId.value);
  });

  it('holds messages written offline and sends them when the connection is back', async () => {
    const { model, target } = makeModel();
    await model.start();
    online = false;
    target.dispatchEvent(new Event('offline'));
    expect(model.online.value).toBe(false);
    await model.send('Sent later');
    expect(model.items.value[0]).toMatchObject({ status: 'pending', errorCode: 'offline' });
    online = true;
    target.dispatchEvent(new Event('online'));
    await until(() => model.items.value.length === 2 && model.items.value[1]!.status === 'complete');
    expect(model.items.value[0]!.id).toBeTruthy();
  });

  it('gets a fresh session when the visitor token expired', async () => {
    const { model } = makeModel();
    await model.start();
    server.expireTokens();
    await model.send('Still here');
    expect(model.items.value.map((i) => i.status)).toEqual(['complete', 'complete']);
    expect(server.sessionBodies).toHaveLength(2);
  });

  it('uploads images with progress, refuses wrong types and sizes, and sends the image ids', async () => {
    const { model } = makeModel();
    await model.start();
    model.attach([new File(['x'], 'a.txt', { type: 'text/plain' })]);
    expect(model.notice.value).toBe('imageType');
    model.attach([new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.png', { type: 'image/png' })]);
    expect(model.notice.value).toBe('imageSize');
    model.attach([new File(['png'], 'ok.png', { type: 'image/png' })]);
    expect(model.attachments.value).toMatchObject([{ name: 'ok.png', status: 'uploading', previewUrl: 'blob:preview' }]);
    await model.send('too early');
    expect(model.notice.value).toBe('uploading');
    await until(() => model.attachments.value[0]?.status === 'done');
    expect(model.attachments.value[0]!.progress).toBe(1);
    await model.send('Look');
    expect(model.attachments.value).toEqual([]);
    const imageId = server.images[0]!.id;
    expect(server.requests.find((r) => r.method === 'POST' && r.path.endsWith('/messages'))!.body).toMatchObject({
      imageIds: [imageId],
    });
    expect(model.items.value[0]!.images.map((i) => i.thumbnailUrl)).toEqual([server.images[0]!.thumbnailUrl]);
  });

  it('identify re-creates the session with the user and shows that user’s own history', async () => {
    const { model } = makeModel();
    await model.start();
    await model.send('anonymous question');
    await model.identify({ id: 'u-42', name: 'Ada', userHash: 'ab'.repeat(32) });
    expect(server.sessionBodies.at(-1)).toMatchObject({ user: { id: 'u-42', name: 'Ada', userHash: 'ab'.repeat(32) } });
    expect(model.items.value).toEqual([]);
    await model.send('as Ada');
    // Another device: no stored token, same user → same history.
    localStorage.clear();
    const other = makeModel({ user: { id: 'u-42' } });
    await other.model.start();
    expect(other.model.items.value.map((i) => i.text)).toEqual(['as Ada', 'You said: as Ada']);
  });

  it('identify while the session is still connecting reconnects as that user without reporting an error', async () => {
    const { model, events } = makeModel();
    const starting = model.start();
    await model.identify({ id: 'u-7', userHash: 'cd'.repeat(32) });
    await starting;
    await until(() => model.phase.value === 'ready');
    expect(server.sessionBodies.at(-1)).toMatchObject({ user: { id: 'u-7' } });
    expect(events.filter((e) => e.event === 'error')).toEqual([]);
  });
});
