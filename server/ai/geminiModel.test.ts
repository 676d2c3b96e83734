import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGemini, startFakeGemini } from '../test/fakeGemini.js';
import type { ChatModel, ChatRequest, ChatResult } from './ChatModel.js';
import { ModelError } from './ChatModel.js';
import { createGeminiModel } from './geminiModel.js';

let fake: FakeGemini;
let model: ChatModel;

beforeAll(async () => {
  fake = await startFakeGemini();
  model = createGeminiModel({ apiKey: fake.apiKey, model: 'gemini-test', baseUrl: fake.url });
});
afterAll(() => fake.close());

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    system: 'You are the helpful assistant of Acme.',
    history: [],
    turn: { role: 'user', text: 'Hello there' },
    knowledge: { passages: [], suggestions: [] },
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function run(stream: AsyncGenerator<string, ChatResult, void>) {
  const deltas: string[] = [];
  let next = await stream.next();
  while (!next.done) {
    deltas.push(next.value);
    next = await stream.next();
  }
  return { deltas, result: next.value };
}

/** Runs the stream to its failure and returns the deltas seen before it plus the error. */
async function failure(stream: AsyncGenerator<string, ChatResult, void>) {
  const deltas: string[] = [];
  try {
    for await (const delta of stream) deltas.push(delta);
  } catch (error) {
    return { deltas, error: error as Error };
  }
  throw new Error(`expected the stream to fail, got ${JSON.stringify(deltas)}`);
}

const lastRequest = () => fake.requests.at(-1)!;

describe('createGeminiModel against the fake Gemini API', () => {
  it('streams the chunks as deltas and returns the finish reason, usage and model', async () => {
    fake.enqueue({ chunks: ['Hel', 'lo', ' world'], delayMs: 5 });
    const { deltas, result } = await run(model.stream(request({ temperature: 0.3 })));
    expect(deltas).toEqual(['Hel', 'lo', ' world']);
    expect(result.finishReason).toBe('stop');
    expect(result.model).toBe('gemini-test');
    // The fake counts ~4 characters per token: 'Hel', 'lo', ' world' → 1 + 1 + 2.
    expect(result.usage?.outputTokens).toBe(4);
    expect(result.usage?.inputTokens).toBeGreaterThan(0);
    const sent = lastRequest();
    expect(sent.apiKey).toBe(fake.apiKey);
    expect(sent.model).toBe('gemini-test');
    expect(sent.body.systemInstruction?.parts).toEqual([{ text: 'You are the helpful assistant of Acme.' }]);
    expect(sent.body.generationConfig?.temperature).toBe(0.3);
    expect(sent.body.contents).toEqual([{ role: 'user', parts: [{ text: 'Hello there' }] }]);
    expect(sent.aborted).toBe(false);
  });

  it('sends the history as user/model turns, the site model override, and no empty instruction or text part', async () => {
    fake.enqueue({ chunks: ['ok'] });
    await run(
      model.stream(
        request({
          system: '  ',
          model: 'gemini-site-model',
          history: [
            { role: 'user', text: 'First question' },
            { role: 'assistant', text: 'First answer' },
            { role: 'assistant', text: '' },
          ],
          turn: { role: 'user', text: 'Second question' },
        }),
      ),
    );
    const sent = lastRequest();
    expect(sent.model).toBe('gemini-site-model');
    expect(sent.body.systemInstruction).toBeUndefined();
    expect(sent.body.generationConfig?.temperature).toBeUndefined();
    expect(sent.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'First question' }] },
      { role: 'model', parts: [{ text: 'First answer' }] },
      { role: 'user', parts: [{ text: 'Second question' }] },
    ]);
  });

  it('sends images as inline base64 data before the text', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const jpeg = Buffer.from('ffd8ffe000104a464946', 'hex');
    fake.enqueue({ chunks: ['Two images.'] });
    await run(
      model.stream(
        request({
          turn: {
            role: 'user',
            text: 'What is in these?',
            images: [
              { mimeType: 'image/png', data: png, width: 10, height: 20 },
              { mimeType: 'image/jpeg', data: jpeg, width: 30, height: 40 },
            ],
          },
        }),
      ),
    );
    const parts = lastRequest().body.contents.at(-1)?.parts;
    expect(parts).toEqual([
      { inlineData: { mimeType: 'image/png', data: png.toString('base64') } },
      { inlineData: { mimeType: 'image/jpeg', data: jpeg.toString('base64') } },
      { text: 'What is in these?' },
    ]);
    expect(Buffer.from(parts?.[0]?.inlineData?.data ?? '', 'base64').equals(png)).toBe(true);
  });

  it('sends a turn of images alone without a text part', async () => {
    fake.enqueue({ chunks: ['A cat.'] });
    const png = Buffer.from('89504e47', 'hex');
    const { deltas } = await run(
      model.stream(
        request({ turn: { role: 'user', text: '', images: [{ mimeType: 'image/png', data: png, width: 1, height: 1 }] } }),
      ),
    );
    expect(deltas).toEqual(['A cat.']);
    expect(lastRequest().body.contents).toEqual([
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw==' } }] },
    ]);
  });

  it('answers with the default echo when nothing is queued', async () => {
    const { deltas, result } = await run(model.stream(request({ turn: { role: 'user', text: 'ping pong' } })));
    expect(deltas.join('')).toBe('Echo: ping pong');
    expect(result.finishReason).toBe('stop');
  });

  it('maps 429 before streaming to model_rate_limited with the retry delay, without retrying', async () => {
    const before = fake.requests.length;
    fake.enqueue({ httpError: { code: 429, retryDelaySeconds: 7 } });
    const { deltas, error } = await failure(model.stream(request()));
    expect(deltas).toEqual([]);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('model_rate_limited');
    expect((error as ModelError).retryAfterSeconds).toBe(7);
    expect(fake.requests.length).toBe(before + 1);
  });

  it('maps 429 without a retry hint to model_rate_limited with no retryAfterSeconds', async () => {
    fake.enqueue({ httpError: { code: 429 } });
    const { error } = await failure(model.stream(request()));
    expect((error as ModelError).code).toBe('model_rate_limited');
    expect((error as ModelError).retryAfterSeconds).toBeUndefined();
  });

  it('maps 500 and 503 before streaming to model_unavailable, without retrying', async () => {
    const before = fake.requests.length;
    fake.enqueue({ httpError: { code: 500 } }, { httpError: { code: 503 } });
    for (let i = 0; i < 2; i++) {
      const { error } = await failure(model.stream(request()));
      expect((error as ModelError).code).toBe('model_unavailable');
    }
    expect(fake.requests.length).toBe(before + 2);
  });

  it('maps a 400 (here: a wrong API key) to model_bad_request', async () => {
    const wrongKey = createGeminiModel({ apiKey: 'not-the-key', model: 'gemini-test', baseUrl: fake.url });
    const { error } = await failure(wrongKey.stream(request()));
    expect((error as ModelError).code).toBe('model_bad_request');
  });

  it('maps an error event in the stream to a ModelError after the deltas already sent', async () => {
    fake.enqueue({ chunks: ['Partial ', 'answer'], streamError: { code: 503, message: 'The model is overloaded.' } });
    const { deltas, error } = await failure(model.stream(request()));
    expect(deltas).toEqual(['Partial ', 'answer']);
    expect((error as ModelError).code).toBe('model_unavailable');
  });

  it('maps a disconnect mid-stream to model_unavailable', async () => {
    fake.enqueue({ chunks: ['Cut ', 'off'], disconnect: true });
    const { deltas, error } = await failure(model.stream(request()));
    expect(deltas).toEqual(['Cut ', 'off']);
    expect(error).toBeInstanceOf(ModelError);
    expect((error as ModelError).code).toBe('model_unavailable');
    expect(lastRequest().aborted).toBe(false);
  });

  it('maps an unreachable endpoint to model_unavailable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const nowhere = createGeminiModel({ apiKey: 'k', model: 'gemini-test', baseUrl: `http://127.0.0.1:${port}` });
    const { error } = await failure(nowhere.stream(request()));
    expect((error as ModelError).code).toBe('model_unavailable');
  });

  it('throws model_blocked when Gemini stops for SAFETY before any text', async () => {
    fake.enqueue({ chunks: [], finishReason: 'SAFETY' });
    const { deltas, error } = await failure(model.stream(request()));
    expect(deltas).toEqual([]);
    expect((error as ModelError).code).toBe('model_blocked');
  });

  it('keeps text streamed before a SAFETY stop and reports finishReason safety', async () => {
    fake.enqueue({ chunks: ['Some text'], finishReason: 'SAFETY' });
    const { deltas, result } = await run(model.stream(request()));
    expect(deltas).toEqual(['Some text']);
    expect(result.finishReason).toBe('safety');
  });

  it('throws model_blocked when the prompt itself is blocked', async () => {
    fake.enqueue({ blockReason: 'PROHIBITED_CONTENT' });
    const { error } = await failure(model.stream(request()));
    expect((error as ModelError).code).toBe('model_blocked');
  });

  it('maps the other finish reasons', async () => {
    fake.enqueue(
      { chunks: ['long'], finishReason: 'MAX_TOKENS' },
      { chunks: ['quoted'], finishReason: 'RECITATION' },
      { chunks: ['odd'], finishReason: 'LANGUAGE' },
      { chunks: ['no end'], finishReason: null },
    );
    const reasons = [];
    for (let i = 0; i < 4; i++) reasons.push((await run(model.stream(request()))).result.finishReason);
    expect(reasons).toEqual(['length', 'safety', 'other', 'other']);
  });

  it('waits for a slow first token that arrives within the timeout', async () => {
    const patient = createGeminiModel({
      apiKey: fake.apiKey,
      model: 'gemini-test',
      baseUrl: fake.url,
      firstTokenTimeoutMs: 2_000,
    });
    fake.enqueue({ chunks: ['late'], firstChunkDelayMs: 150 });
    const { deltas } = await run(patient.stream(request()));
    expect(deltas).toEqual(['late']);
  });

  it.each([
    ['after the headers', true],
    ['before the headers', false],
  ])('maps a first token slower than the timeout (%s) to model_timeout and closes the request', async (_, headersFirst) => {
    const hasty = createGeminiModel({ apiKey: fake.apiKey, model: 'gemini-test', baseUrl: fake.url, firstTokenTimeoutMs: 100 });
    fake.enqueue({ chunks: ['too late'], firstChunkDelayMs: 3_000, headersFirst });
    const started = performance.now();
    const { error } = await failure(hasty.stream(request()));
    expect((error as ModelError).code).toBe('model_timeout');
    expect(performance.now() - started).toBeLessThan(2_000);
    await lastRequest().finished;
    expect(lastRequest().aborted).toBe(true);
    expect(lastRequest().eventsSent).toBe(0);
  });

  it('maps a stream that stalls after its first token to model_timeout', async () => {
    const hasty = createGeminiModel({ apiKey: fake.apiKey, model: 'gemini-test', baseUrl: fake.url, idleTimeoutMs: 100 });
    fake.enqueue({ chunks: ['one ', 'two'], delayMs: 3_000 });
    const { deltas, error } = await failure(hasty.stream(request()));
    expect(deltas).toEqual(['one ']);
    expect((error as ModelError).code).toBe('model_timeout');
  });

  it("throws an AbortError when the caller's signal aborts mid-stream, and the upstream request is closed", async () => {
    fake.enqueue({ tokens: 500, delayMs: 10 });
    const controller = new AbortController();
    const stream = model.stream(request({ signal: controller.signal }));
    const deltas: string[] = [];
    const error = await (async () => {
      try {
        for await (const delta of stream) {
          deltas.push(delta);
          if (deltas.length === 3) controller.abort();
        }
      } catch (caught) {
        return caught as Error;
      }
      return null;
    })();
    expect(error?.name).toBe('AbortError');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.length).toBeLessThan(500);
    await lastRequest().finished;
    expect(lastRequest().aborted).toBe(true);
    expect(lastRequest().eventsSent).toBeLessThan(500);
  });

  it('throws an AbortError while waiting for the first token', async () => {
    fake.enqueue({ chunks: ['slow'], firstChunkDelayMs: 3_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const { error } = await failure(model.stream(request({ signal: controller.signal })));
    expect(error.name).toBe('AbortError');
    await lastRequest().finished;
    expect(lastRequest().aborted).toBe(true);
  });

  it('throws an AbortError at once, without calling Gemini, when the signal is already aborted', async () => {
    const before = fake.requests.length;
    const { error } = await failure(model.stream(request({ signal: AbortSignal.abort() })));
    expect(error.name).toBe('AbortError');
    expect(fake.requests.length).toBe(before);
  });

  it('closes the upstream request when the consumer stops reading early', async () => {
    fake.enqueue({ tokens: 500, delayMs: 10 });
    const deltas: string[] = [];
    for await (const delta of model.stream(request())) {
      deltas.push(delta);
      if (deltas.length === 2) break;
    }
    await lastRequest().finished;
    expect(lastRequest().aborted).toBe(true);
    expect(lastRequest().eventsSent).toBeLessThan(500);
  });
});
