// API answers on the wire (issue 18): JSON compressed above the threshold, event streams never compressed nor held
// back. Read with node:http, which (unlike fetch) neither asks for nor undoes a compression by itself.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatModel } from '../../ai/ChatModel.js';
import { parseSse, startTestApp } from '../../test/testApp.js';

const TOKENS = ['One ', 'token ', 'at ', 'a ', 'time.'];
/** Each token after the first waits until the test has seen the previous one arrive: a buffered stream would stall. */
const gates: (() => void)[] = [];
const gatedModel: ChatModel = {
  name: 'gated',
  async *stream() {
    for (const [i, token] of TOKENS.entries()) {
      if (i > 0) await new Promise<void>((resolve) => gates.push(resolve));
      yield token;
    }
    return { finishReason: 'stop', usage: null, model: 'gated-1' };
  },
};

const app = await startTestApp(import.meta.url, { model: gatedModel });
afterAll(() => app.close());

function open(path: string, headers: Record<string, string>, body?: unknown): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      `${app.url}${path}`,
      {
        method: payload ? 'POST' : 'GET',
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      resolve,
    );
    req.on('error', reject);
    req.end(payload);
  });
}
async function readAll(res: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('JSON answers', () => {
  it('are compressed with the best coding the client accepts above 1 KB, with Vary', async () => {
    const plain = await readAll(await open('/v1/openapi.json', {}));
    expect(plain.length).toBeGreaterThan(1024);
    for (const [accept, coding, decode] of [
      ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const res = await open('/v1/openapi.json', { 'accept-encoding': accept });
      const body = await readAll(res);
      expect(res.headers['content-encoding'], accept).toBe(coding);
      expect(res.headers.vary, accept).toMatch(/accept-encoding/i);
      expect(body.length, accept).toBeLessThan(plain.length / 3);
      expect(decode(body).equals(plain), accept).toBe(true);
    }
  });

  it('leaves small answers and clients that ask for nothing alone', async () => {
    const small = await open('/v1/admin/me', { 'accept-encoding': 'br, gzip', authorization: `Bearer ${app.adminToken}` });
    const body = await readAll(small);
    expect(small.statusCode).toBe(200);
    expect(body.length).toBeLessThan(1024);
    expect(small.headers['content-encoding']).toBeUndefined();
    const plain = await open('/v1/openapi.json', {});
    await readAll(plain);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });
});

describe('the answer event stream', () => {
  it('is never compressed and delivers each delta as it is made, not at the end', async () => {
    const site = await app.createSite();
    const visitor = await app.startVisitor(site.publicKey);
    const conversation = await visitor.newConversation();
    const res = await open(
      `/v1/widget/conversations/${conversation.id}/messages`,
      {
        'accept-encoding': 'gzip, deflate, br, zstd',
        authorization: `Bearer ${visitor.token}`,
        origin: 'http://localhost:5173',
      },
      { text: 'Stream to me', clientMessageId: 'wire-1' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['content-encoding']).toBeUndefined();

    const deltas: string[] = [];
    let text = '';
    const stalled = setTimeout(
      () => res.destroy(new Error(`stalled after ${deltas.length} deltas: the stream is held back`)),
      10_000,
    );
    try {
      for await (const chunk of res) {
        text += (chunk as Buffer).toString('utf8');
        const events = parseSse(text.slice(0, text.lastIndexOf('\n\n') + 2));
        const seen = events.filter((e) => e.event === 'delta').map((e) => (e.data as { text: string }).text);
        // Each new delta opens the gate for the next token: only a stream that delivers deltas one by one finishes.
        for (const delta of seen.slice(deltas.length)) {
          deltas.push(delta);
          gates.shift()?.();
        }
        if (events.some((e) => e.event === 'done' || e.event === 'error')) break;
      }
    } finally {
      clearTimeout(stalled);
    }
    expect(deltas).toEqual(TOKENS);
    expect(parseSse(text).at(-1)?.event).toBe('done');
  });
});
