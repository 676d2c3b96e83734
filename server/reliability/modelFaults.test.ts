import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '../../contract/messages.js';
import type { ChatModel } from '../ai/ChatModel.js';
import { createGeminiModel } from '../ai/geminiModel.js';
import { type FakeGeminiBehaviour, startFakeGemini } from '../test/fakeGemini.js';
import { json } from '../test/json.js';
import { reportFigures } from '../test/reliability/figures.js';
import { PAGE_ORIGIN } from '../test/reliability/seedTenant.js';
import { parseSse, startTestApp } from '../test/testApp.js';

/**
 * Model failures before and during the stream, garbage on the wire, and visitors who leave mid-answer,
 * all through the real @google/genai SDK. Whatever happens, the visitor's message is stored, the answer
 * is stored with its final status (never left `streaming`), the stream ends with `done` or `error`, and
 * a failed or stopped answer can be retried.
 */

const gemini = await startFakeGemini();

/** Writes whatever a case wants on a 200 `text/event-stream`, as a broken upstream or proxy would. */
type Garbage = (res: ServerResponse) => void;
const garbageQueue: Garbage[] = [];
const garbage = createServer((req, res) => {
  req.resume();
  const play = garbageQueue.shift() ?? ((r: ServerResponse) => r.end());
  play(res);
});
garbage.listen(0, '127.0.0.1');
await once(garbage, 'listening');
const garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
/** Writes these lines on a 200 event stream and leaves it open. */
const sse = (res: ServerResponse, ...lines: string[]) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const line of lines) res.write(line);
};
/** The same, then ends the response. */
const sseThenEnd = (res: ServerResponse, ...lines: string[]) => {
  sse(res, ...lines);
  res.end();
};
const page = (res: ServerResponse, status: number, html: string) => {
  res.writeHead(status, { 'content-type': 'text/html' });
  res.end(html);
};

const timeouts = { firstTokenTimeoutMs: 400, idleTimeoutMs: 400 };
const viaFake = createGeminiModel({ apiKey: gemini.apiKey, model: 'gemini-2.5-flash', baseUrl: gemini.url, ...timeouts });
const viaGarbage = createGeminiModel({ apiKey: gemini.apiKey, model: 'gemini-2.5-flash', baseUrl: garbageUrl, ...timeouts });
/** The app's model: the same Gemini provider, pointed at the fake or at the garbage server per case. */
let upstream: ChatModel = viaFake;
const model: ChatModel = { name: 'gemini', stream: (request) => upstream.stream(request) };

const app = await startTestApp(import.meta.url, { model });
afterAll(async () => {
  await app.close();
  await gemini.close();
  await new Promise<void>((resolve) => garbage.close(() => resolve()));
});

const site = await app.createSite({ name: 'Faults', allowedOrigins: [PAGE_ORIGIN] });
const visitor = await app.startVisitor(site.publicKey);

let faultsInjected = 0;
let acknowledged = 0;
let lost = 0;
let unfinished = 0;
let n = 0;

async function readStored(conversationId: string, clientMessageId: string) {
  const page = await json(
    await visitor.request(`/v1/widget/conversations/${conversationId}/messages?limit=100`, { headers: { origin: PAGE_ORIGIN } }),
  );
  const mine = (page.items as Message[]).filter((m) => m.clientMessageId === clientMessageId);
  const question = mine.find((m) => m.role === 'user');
  const answer = mine.find((m) => m.role === 'assistant');
  return { question, answer };
}

/** After any outcome: the question is stored, the answer has a final status, nothing is left in flight. */
async function checkStored(conversationId: string, clientMessageId: string) {
  const { question, answer } = await readStored(conversationId, clientMessageId);
  if (!question) lost++;
  if (!answer || !['complete', 'error', 'stopped'].includes(answer.status)) unfinished++;
  const inFlight = await app.models.Stream.countDocuments({});
  expect(inFlight).toBe(0);
  return { question, answer };
}

async function sendWith(setup: () => void, text = 'Tell me something') {
  setup();
  faultsInjected++;
  const conversation = await visitor.newConversation();
  const clientMessageId = `fault-${n++}`;
  const { res, events } = await visitor.send(conversation.id, text, clientMessageId);
  expect(res.status).toBe(200);
  expect(events[0]?.event).toBe('message');
  acknowledged++;
  const last = events.at(-1);
  expect(['done', 'error']).toContain(last?.event);
  const stored = await checkStored(conversation.id, clientMessageId);
  return { conversation, clientMessageId, events, last, ...stored };
}

const fakeCases: [string, FakeGeminiBehaviour, string][] = [
  ['429 before streaming', { httpError: { code: 429, retryDelaySeconds: 7 } }, 'model_rate_limited'],
  ['500 before streaming', { httpError: { code: 500 } }, 'model_unavailable'],
  ['503 before streaming', { httpError: { code: 503 } }, 'model_unavailable'],
  ['no first token in time', { firstChunkDelayMs: 3000 }, 'model_timeout'],
  ['headers never come', { firstChunkDelayMs: 3000, headersFirst: false }, 'model_timeout'],
  ['disconnect mid-stream', { chunks: ['Half ', 'an ', 'answer'], disconnect: true }, 'model_unavailable'],
  ['in-stream error', { chunks: ['Partial '], streamError: { code: 500 } }, 'model_unavailable'],
  ['stalls mid-stream', { chunks: ['Slow ', 'then ', 'stuck'], delayMs: 2000 }, 'model_timeout'],
  ['blocked prompt', { blockReason: 'SAFETY' }, 'model_blocked'],
  ['SAFETY stop with no text', { chunks: [], finishReason: 'SAFETY' }, 'model_blocked'],
];

describe('model failures through the real SDK', () => {
  it.each(fakeCases)('%s → error event, question stored, answer stored as error', async (_name, behaviour, code) => {
    const outcome = await sendWith(() => {
      upstream = viaFake;
      gemini.enqueue(behaviour);
    });
    expect(outcome.last).toMatchObject({ event: 'error', data: { error: { code } } });
    expect(outcome.question?.text).toBe('Tell me something');
    expect(outcome.answer).toMatchObject({ status: 'error', errorCode: code });
    // The error event carries the stored answer, so the widget can offer its retry.
    expect((outcome.last?.data as { message?: Message } | undefined)?.message?.id).toBe(outcome.answer?.id);
  });

  const garbageCases: [string, Garbage][] = [
    ['data that is not JSON', (res) => sse(res, 'data: {not json at all\n\n', 'data: ]]]\n\n')],
    ['a truncated event then close', (res) => sseThenEnd(res, 'data: {"candidates":[{"content":{"parts":[{"text":"Hi')],
    ['binary noise', (res) => sseThenEnd(res, '\u0000\u0001\uffff\n\n', `data: ${'\u0000'.repeat(50)}\n\n`)],
    ['wrong shapes', (res) => sseThenEnd(res, 'data: {"candidates":5}\n\n', 'data: {"candidates":[{"content":"x"}]}\n\n')],
    ['HTML instead of events', (res) => page(res, 200, '<html>proxy error</html>')],
    ['a 502 HTML page', (res) => page(res, 502, '<h1>Bad gateway</h1>')],
    ['headers, then silence', (res) => sse(res)],
    ['socket destroyed at once', (res) => res.socket?.destroy()],
  ];

  it.each(garbageCases)('malformed upstream: %s → a final state, never a hang or a 500', async (_name, play) => {
    const outcome = await sendWith(() => {
      upstream = viaGarbage;
      garbageQueue.push(play);
    });
    const final = outcome.answer?.status;
    expect(outcome.last?.event).toBe(final === 'complete' ? 'done' : 'error');
    if (final !== 'complete') expect(outcome.answer?.errorCode).toMatch(/^model_/);
    // Never a silent empty "answer": nothing usable from upstream is an error the visitor can retry.
    else expect(outcome.answer?.text).not.toBe('');
  });

  it('a visitor who leaves mid-answer: the model call is aborted and the answer stored as stopped; retry answers it', async () => {
    upstream = viaFake;
    gemini.enqueue({ tokens: 40, delayMs: 50 });
    faultsInjected++;
    const conversation = await visitor.newConversation();
    const leaving = new AbortController();
    const res = await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`, {
      method: 'POST',
      json: { text: 'long answer please', clientMessageId: 'leaver' },
      signal: leaving.signal,
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let seen = '';
    while (!seen.includes('event: delta')) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    expect(seen).toContain('event: message');
    acknowledged++;
    leaving.abort();
    await reader.cancel().catch(() => {});
    // The server notices, aborts upstream and stores the partial answer.
    const deadline = performance.now() + 5000;
    let answer: Message | undefined;
    while (performance.now() < deadline) {
      ({ answer } = await readStored(conversation.id, 'leaver'));
      if (answer?.status === 'stopped' && (await app.models.Stream.countDocuments({})) === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await checkStored(conversation.id, 'leaver');
    expect(answer).toMatchObject({ status: 'stopped', errorCode: 'client_disconnected' });
    expect(gemini.requests.at(-1)?.aborted).toBe(true);
    expect(await app.models.Stream.countDocuments({})).toBe(0);

    // Retry regenerates the same answer id, and the conversation ends complete.
    gemini.enqueue({ chunks: ['Here ', 'it ', 'is.'] });
    const retry = await visitor.request(`/v1/widget/messages/${answer?.id}/retry`, { method: 'POST' });
    const events = parseSse(await retry.text());
    expect(events.map((e) => e.event)).toEqual(['message', 'delta', 'delta', 'delta', 'done']);
    expect(events.at(-1)?.data).toMatchObject({ id: answer?.id, status: 'complete', text: 'Here it is.' });
  });

  it('every failed answer above can be retried to completion once the model is back', async () => {
    upstream = viaFake;
    const failed = (await app.models.Message.find({ role: 'assistant', status: { $in: ['error', 'stopped'] } }).lean()).map((m) =>
      String(m._id),
    );
    expect(failed.length).toBeGreaterThanOrEqual(fakeCases.length);
    for (const id of failed) {
      gemini.enqueue({ chunks: ['Recovered.'] });
      const res = await visitor.request(`/v1/widget/messages/${id}/retry`, { method: 'POST' });
      const events = parseSse(await res.text());
      expect(events.at(-1)).toMatchObject({ event: 'done', data: { id, status: 'complete', text: 'Recovered.' } });
    }
    expect(await app.models.Message.countDocuments({ role: 'assistant', status: { $ne: 'complete' } })).toBe(0);
    expect(lost).toBe(0);
    expect(unfinished).toBe(0);
  });
});

afterAll(() => {
  reportFigures('modelFaults', { faultsInjected, acknowledged, messagesLost: lost, answersWithoutFinalStatus: unfinished });
});
