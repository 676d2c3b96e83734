import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import { messageIdFor, NO_CITATIONS } from '../data/messageRepository.js';
import { json } from '../test/json.js';
import { parseSse, startGeminiTestApp } from '../test/testApp.js';

// The send path end to end: HTTP → chat service → real @google/genai SDK → a local fake of Gemini.
const app = await startGeminiTestApp(import.meta.url, { gemini: { firstTokenTimeoutMs: 2000 } });
const { gemini } = app;
afterAll(() => app.close());

const site = await app.createSite({ name: 'Shop', persona: 'Be cheerful.', temperature: 0.2 });
const visitor = await app.startVisitor(site.publicKey);

async function stored(conversationId: string): Promise<Message[]> {
  return (await json(await visitor.request(`/v1/widget/conversations/${conversationId}/messages`))).items;
}

describe('send path with Gemini', () => {
  it('streams deltas and stores a complete answer with usage; sends persona, history and temperature', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['Hello', ' there', '!'] });
    const { events } = await visitor.send(conversation.id, 'Hi', 'g1');
    expect(events.map((e) => e.event)).toEqual(['message', 'delta', 'delta', 'delta', 'done']);
    expect(events.slice(1, 4).map((e) => (e.data as { text: string }).text)).toEqual(['Hello', ' there', '!']);
    const done = events.at(-1)?.data as Message;
    expect(done).toMatchObject({ status: 'complete', text: 'Hello there!', errorCode: null });
    expect(done.usage).toEqual({ inputTokens: expect.any(Number), outputTokens: expect.any(Number) });

    gemini.enqueue({ chunks: ['Second answer'] });
    await visitor.send(conversation.id, 'And again?', 'g2');
    const request = gemini.requests.at(-1);
    expect(request?.body.systemInstruction?.parts[0]?.text).toContain('Be cheerful.');
    expect(request?.body.generationConfig?.temperature).toBe(0.2);
    expect(request?.body.contents.map((c) => [c.role, c.parts.map((p) => p.text).join('')])).toEqual([
      ['user', 'Hi'],
      ['model', 'Hello there!'],
      ['user', 'And again?'],
    ]);
    expect((await stored(conversation.id)).map((m) => m.status)).toEqual(['complete', 'complete', 'complete', 'complete']);
  });

  it.each([
    ['a 429 before streaming', { httpError: { code: 429 } }, 'model_rate_limited', ''],
    ['a 500 before streaming', { httpError: { code: 500 } }, 'model_unavailable', ''],
    ['an in-stream error', { chunks: ['Partial'], streamError: { code: 500 } }, 'model_unavailable', 'Partial'],
    ['a disconnect mid-stream', { chunks: ['Half an'], disconnect: true }, 'model_unavailable', 'Half an'],
    ['a safety block', { chunks: [], finishReason: 'SAFETY' }, 'model_blocked', ''],
    ['a first token that never comes', { chunks: ['late'], firstChunkDelayMs: 5000 }, 'model_timeout', ''],
  ])('keeps the question and stores the answer as error on %s', async (_name, behaviour, code, partial) => {
    const conversation = await visitor.newConversation();
    gemini.enqueue(behaviour);
    const { res, events } = await visitor.send(conversation.id, 'Question?', 'e1');
    expect(res.status).toBe(200);
    expect(events[0]?.event).toBe('message');
    const last = events.at(-1);
    expect(last?.event).toBe('error');
    const data = last?.data as { error: { code: string; message: string }; message: Message };
    expect(data.error.code).toBe(code);
    expect(data.error.message).not.toMatch(/stack|Error:/);
    expect(data.message).toMatchObject({ role: 'assistant', status: 'error', errorCode: code, text: partial });
    const messages = await stored(conversation.id);
    expect(messages.map((m) => [m.role, m.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'error'],
    ]);
  });

  it('retries a failed answer in place: same message id, now complete', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ httpError: { code: 500 } });
    const failed = await visitor.send(conversation.id, 'Try me', 'r1');
    const failedAnswer = (failed.events.at(-1)?.data as { message: Message } | undefined)?.message as Message;

    gemini.enqueue({ chunks: ['Works now'] });
    const res = await visitor.request(`/v1/widget/messages/${failedAnswer.id}/retry`, { method: 'POST' });
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['message', 'delta', 'done']);
    expect((events[0]?.data as Message | undefined)?.text).toBe('Try me');
    expect(events.at(-1)?.data).toMatchObject({ id: failedAnswer.id, status: 'complete', text: 'Works now' });
    expect(gemini.requests.at(-1)?.body.contents.map((c) => c.role)).toEqual(['user']);
    const messages = await stored(conversation.id);
    expect(messages.map((m) => [m.id, m.status])).toEqual([
      [messages[0]?.id, 'complete'],
      [failedAnswer.id, 'complete'],
    ]);
    const again = await visitor.request(`/v1/widget/messages/${failedAnswer.id}/retry`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('aborts the model call when the visitor goes away and stores the answer as stopped', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['one ', 'two ', 'three ', 'four ', 'five '], delayMs: 200 });
    const controller = new AbortController();
    const res = await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`, {
      method: 'POST',
      json: { text: 'Long one', clientMessageId: 's1' },
      signal: controller.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('event: delta')) seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const upstream = gemini.requests.at(-1);
    await upstream?.finished;
    expect(upstream?.aborted).toBe(true);

    const answerId = messageIdFor(conversation.id, 's1', 'assistant');
    let answer: Message | undefined;
    for (let i = 0; i < 50 && !answer; i++) {
      answer = (await stored(conversation.id)).find((m) => m.id === answerId);
      if (!answer) await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toMatchObject({ status: 'stopped', errorCode: 'client_disconnected' });
    expect(answer?.text.startsWith('one ')).toBe(true);
    expect(answer?.text.length).toBeLessThan('one two three four five '.length);
  });

  it('a duplicate send waits for the first to finish and replays it, without asking the model twice', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['slow ', 'answer'], delayMs: 300 });
    const first = visitor.send(conversation.id, 'Once', 'd1');
    await new Promise((r) => setTimeout(r, 150));
    const duplicate = await visitor.send(conversation.id, 'Once', 'd1');
    const original = await first;
    expect(duplicate.res.status).toBe(200);
    expect(duplicate.events.map((e) => e.event)).toEqual(['message', 'done']);
    expect(duplicate.events[1]?.data).toEqual(original.events.at(-1)?.data);
    expect(gemini.requests.filter((r) => r.body.contents.at(-1)?.parts[0]?.text === 'Once')).toHaveLength(1);
  });

  it('two sends to one conversation at once: the second waits for the lock, then counts and indexes both turns', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['first ', 'answer'], delayMs: 300 });
    gemini.enqueue({ chunks: ['second answer'] });
    const first = visitor.send(conversation.id, 'Alpha question', 'p1');
    await new Promise((r) => setTimeout(r, 100));
    // Read its conversation before the first answer was stored: under the lock it finds the window changed, reads again.
    const second = await visitor.send(conversation.id, 'Beta question', 'p2');
    expect((await first).events.at(-1)?.event).toBe('done');
    expect(second.events.map((e) => e.event)).toEqual(['message', 'delta', 'done']);
    const record = await app.services.repos.conversations.findWithSearchText(conversation.id);
    expect(record?.conversation.messageCount).toBe(4);
    for (const text of ['alpha question', 'first answer', 'beta question', 'second answer'])
      expect(record?.searchText).toContain(text);
    const collection = await app.services.repos.messages.listForConversation('local', conversation.id, 10);
    expect((await stored(conversation.id)).map((m) => m.id)).toEqual(collection.items.map((m) => m.id));
    expect(collection.items.map((m) => m.text).sort()).toEqual([
      'Alpha question',
      'Beta question',
      'first answer',
      'second answer',
    ]);
  });

  it('answers 409 to a duplicate send while the first streams on for longer than the replay waits, then replays', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['very ', 'very ', 'slow ', 'answer'], delayMs: 1_500 });
    const first = visitor.send(conversation.id, 'Once more', 'd2');
    await new Promise((r) => setTimeout(r, 150));
    const duplicate = await visitor.send(conversation.id, 'Once more', 'd2');
    expect(duplicate.res.status).toBe(409);
    const original = await first;
    const replay = await visitor.send(conversation.id, 'Once more', 'd2');
    expect(replay.events.map((e) => e.event)).toEqual(['message', 'done']);
    expect(replay.events[1]?.data).toEqual(original.events.at(-1)?.data);
  });

  it('recovers an in-flight entry no live stream owns (its answer was never stored) instead of a permanent 409', async () => {
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['First'] });
    await visitor.send(conversation.id, 'Before', 'ok1');
    const repos = app.services.repos;
    // What a database outage between the echo and the stored answer leaves: the question, and the entry.
    const questionId = messageIdFor(conversation.id, 'lost', 'user');
    const answerId = messageIdFor(conversation.id, 'lost', 'assistant');
    await repos.messages.insert({
      id: questionId,
      tenantId: 'local',
      siteId: site.id,
      conversationId: conversation.id,
      role: 'user',
      text: 'Lost answer?',
      images: [],
      status: 'complete',
      errorCode: null,
      clientMessageId: 'lost',
      model: null,
      usage: null,
      ...NO_CITATIONS,
      createdAt: new Date(),
    });
    await repos.messages.startStream({
      id: answerId,
      tenantId: 'local',
      siteId: site.id,
      conversationId: conversation.id,
      clientMessageId: 'lost',
      model: null,
      startedAt: new Date(),
      // Its instance died: the lease is no longer renewed and has expired.
      owner: 'dead-instance',
      leaseUntil: new Date(0),
    });
    const again = await visitor.send(conversation.id, 'Lost answer?', 'lost');
    expect(again.res.status).toBe(200);
    expect(again.events.map((e) => e.event)).toEqual(['message', 'error']);
    expect((again.events[1]?.data as { message: Message } | undefined)?.message).toMatchObject({
      id: answerId,
      status: 'error',
      errorCode: 'interrupted',
    });

    gemini.enqueue({ chunks: ['Recovered'] });
    const retried = parseSse(await (await visitor.request(`/v1/widget/messages/${answerId}/retry`, { method: 'POST' })).text());
    expect(retried.at(-1)).toMatchObject({ event: 'done', data: { id: answerId, status: 'complete', text: 'Recovered' } });
    expect(await repos.messages.isStreaming(answerId)).toBe(false);
  });

  it('stores an answer interrupted by a crash as an error at the next start', async () => {
    const conversation = await visitor.newConversation();
    const repos = app.services.repos;
    // What a process that died mid-answer leaves: the question stored, the answer in flight.
    const answerId = messageIdFor(conversation.id, 'crash', 'assistant');
    await repos.messages.startStream({
      id: answerId,
      tenantId: 'local',
      siteId: site.id,
      conversationId: conversation.id,
      clientMessageId: 'crash',
      model: null,
      startedAt: new Date(),
      // Its instance died: the lease is no longer renewed and has expired.
      owner: 'dead-instance',
      leaseUntil: new Date(0),
    });
    expect(await app.services.chat.recoverInterrupted()).toBeGreaterThanOrEqual(1);
    const answer = await repos.messages.findById(answerId);
    expect(answer).toMatchObject({ status: 'error', errorCode: 'interrupted', role: 'assistant' });
    expect(await repos.messages.isStreaming(answerId)).toBe(false);
  });
});
