import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGemini, startFakeGemini } from './fakeGemini.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini({ apiKey: 'wire-key' });
});
afterAll(() => fake.close());

const body = { contents: [{ role: 'user', parts: [{ text: 'hello fake' }] }], generationConfig: { temperature: 0.2 } };

function post(
  payload: unknown = body,
  headers: Record<string, string> = { 'x-goog-api-key': 'wire-key' },
  init: RequestInit = {},
) {
  return fetch(`${fake.url}/v1beta/models/gemini-wire:streamGenerateContent?alt=sse`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(payload),
    ...init,
  });
}

interface ErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}
const errorOf = async (response: Response) => ((await response.json()) as ErrorBody).error;

/** Splits the raw SSE body on the `\r\n\r\n` delimiter Gemini uses and parses each `data:` event. */
function events(raw: string) {
  expect(raw.endsWith('\r\n\r\n')).toBe(true);
  return raw
    .split('\r\n\r\n')
    .filter(Boolean)
    .map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      return JSON.parse(event.slice('data: '.length));
    });
}

describe('fake Gemini streamGenerateContent', () => {
  it('streams data events in the wire format and records the request', async () => {
    fake.enqueue({ chunks: ['Hi', ' there'] });
    const response = await post();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const parsed = events(await response.text());
    expect(parsed).toHaveLength(2);
    expect(parsed[0].candidates[0]).toEqual({ content: { parts: [{ text: 'Hi' }], role: 'model' }, index: 0 });
    expect(parsed[1].candidates[0].finishReason).toBe('STOP');
    expect(parsed[1].usageMetadata).toMatchObject({
      candidatesTokenCount: 3,
      totalTokenCount: parsed[1].usageMetadata.promptTokenCount + 3,
    });
    expect(parsed[1].modelVersion).toBe('gemini-wire');
    const recorded = fake.requests.at(-1)!;
    expect(recorded.model).toBe('gemini-wire');
    expect(recorded.body).toEqual(body);
    expect(recorded.eventsSent).toBe(2);
    await recorded.finished;
    expect(recorded.aborted).toBe(false);
  });

  it('checks the API key like Gemini: 403 without one, 400 with a wrong one', async () => {
    const missing = await post(body, {});
    expect(missing.status).toBe(403);
    expect((await errorOf(missing)).status).toBe('PERMISSION_DENIED');
    const wrong = await post(body, { 'x-goog-api-key': 'nope' });
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
  });

  it('rejects requests Gemini would reject: no contents, a bad role, an empty text part, bad base64', async () => {
    const bad = [
      { contents: [] },
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      { contents: [{ role: 'user', parts: [{ text: '' }] }] },
      { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: '***' } }] }] },
    ];
    for (const payload of bad) expect((await post(payload)).status).toBe(400);
  });

  it('answers a scripted HTTP error with the Google error body and retry info', async () => {
    fake.enqueue({ httpError: { code: 429, retryDelaySeconds: 12 } });
    const response = await post();
    expect(response.status).toBe(429);
    const error = await errorOf(response);
    expect(error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(error.details).toEqual([{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' }]);
  });

  it('sends an in-stream error event, a SAFETY stop and a blocked prompt', async () => {
    fake.enqueue(
      { chunks: ['a'], streamError: { code: 500 } },
      { chunks: [], finishReason: 'SAFETY' },
      { blockReason: 'SAFETY' },
    );
    const withError = events(await (await post()).text());
    expect(withError.at(-1).error).toMatchObject({ code: 500, status: 'INTERNAL' });
    const safety = events(await (await post()).text());
    expect(safety).toHaveLength(1);
    expect(safety[0].candidates[0].finishReason).toBe('SAFETY');
    expect(safety[0].candidates[0].content).toBeUndefined();
    const blocked = events(await (await post()).text());
    expect(blocked[0].promptFeedback.blockReason).toBe('SAFETY');
    expect(blocked[0].candidates).toBeUndefined();
  });

  it('drops the connection mid-stream when scripted to disconnect', async () => {
    fake.enqueue({ chunks: ['a', 'b'], disconnect: true });
    const response = await post();
    await expect(response.text()).rejects.toThrow();
    const recorded = fake.requests.at(-1)!;
    await recorded.finished;
    expect(recorded.eventsSent).toBe(2);
    expect(recorded.aborted).toBe(false);
  });

  it('echoes the last user text by default, with the number of images', async () => {
    const response = await post({
      contents: [
        { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'iVBORw==' } }, { text: 'look at this' }] },
      ],
    });
    const text = events(await response.text())
      .map((event) => event.candidates[0].content.parts[0].text)
      .join('');
    expect(text).toBe('Echo: look at this [1 image]');
  });

  it('streams N tokens at a fixed cadence', async () => {
    fake.enqueue({ tokens: 20, delayMs: 10 });
    const started = performance.now();
    const response = await post();
    const parsed = events(await response.text());
    const elapsed = performance.now() - started;
    expect(parsed).toHaveLength(20);
    expect(parsed.map((event) => event.candidates[0].content.parts[0].text).join('')).toBe(
      Array.from({ length: 20 }, (_, i) => `t${i} `).join(''),
    );
    expect(elapsed).toBeGreaterThanOrEqual(19 * 10 - 5);
  });

  it('delays the first chunk and records a client that aborts while waiting', async () => {
    fake.enqueue({ chunks: ['late'], firstChunkDelayMs: 5_000 });
    const controller = new AbortController();
    const response = await post(body, undefined, { signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
    const recorded = fake.requests.at(-1)!;
    await recorded.finished;
    expect(recorded.aborted).toBe(true);
    expect(recorded.eventsSent).toBe(0);
  });

  it('uses the behaviour set as default when the queue is empty', async () => {
    fake.setDefault({ chunks: ['fixed'] });
    const parsed = events(await (await post()).text());
    expect(parsed[0].candidates[0].content.parts[0].text).toBe('fixed');
    fake.setDefault({});
  });
});
