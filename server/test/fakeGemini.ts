import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerEmbeddings, type FakeEmbedRequest } from './fakeGeminiEmbeddings.js';

/**
 * A local fake of Gemini's `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (and of its embeddings API,
 * `fakeGeminiEmbeddings.ts`), speaking its wire format
 * (INTEGRATIONS.md) so tests drive the real `@google/genai` SDK against it through `httpOptions.baseUrl`.
 * Each request takes the next queued behaviour, or the default one (an echo) when the queue is empty.
 */

export interface GoogleError {
  code: number;
  message?: string;
  /** Google's canonical status name, e.g. `RESOURCE_EXHAUSTED`; derived from `code` when omitted. */
  status?: string;
  /** Adds a `google.rpc.RetryInfo` detail (`retryDelay: "<n>s"`), as Gemini does on quota errors. */
  retryDelaySeconds?: number;
}

export interface FakeGeminiBehaviour {
  /** Text chunks to stream. Omitted: the echo of the last user text, word by word (or `tokens` tokens). */
  chunks?: string[];
  /** Streams this many one-word tokens instead (`t0 t1 …`), e.g. for benchmarks at a fixed cadence. */
  tokens?: number;
  /** Pause before each chunk after the first. */
  delayMs?: number;
  /** Pause before the first chunk (a slow first token). */
  firstChunkDelayMs?: number;
  /** Send the 200 headers at once and only then wait for the first chunk (default); `false` delays them too. */
  headersFirst?: boolean;
  /** The final chunk's `finishReason`; `null` ends the stream without one. Default `STOP`. */
  finishReason?: string | null;
  /** Answer this error status and body instead of streaming. */
  httpError?: GoogleError;
  /** After the chunks, send this error as an event and end the stream. */
  streamError?: GoogleError;
  /** After the chunks, destroy the socket without ending the response. */
  disconnect?: boolean;
  /** Block the prompt: one event with `promptFeedback.blockReason` and no candidates. */
  blockReason?: string;
}

export interface GeminiPart {
  text?: string;
  inlineData?: { mimeType: string; data: string };
  [other: string]: unknown;
}
export interface GeminiContent {
  role?: string;
  parts: GeminiPart[];
}
export interface GeminiRequestBody {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  generationConfig?: { temperature?: number; [other: string]: unknown };
  [other: string]: unknown;
}

export interface FakeGeminiRequest {
  model: string;
  /** The `x-goog-api-key` header. */
  apiKey: string | undefined;
  headers: IncomingMessage['headers'];
  body: GeminiRequestBody;
  /** How many `data:` events were written. */
  eventsSent: number;
  /** The client closed the connection before the response was complete. */
  aborted: boolean;
  /** Resolves when the exchange is over: completed, failed, disconnected or aborted by the client. */
  finished: Promise<void>;
}

export interface FakeGemini {
  /** Base URL for `httpOptions.baseUrl` / `GEMINI_BASE_URL`. */
  url: string;
  apiKey: string;
  requests: FakeGeminiRequest[];
  enqueue(...behaviours: FakeGeminiBehaviour[]): void;
  /** Embeddings requests answered (see `fakeGeminiEmbeddings.ts`). */
  embedRequests: FakeEmbedRequest[];
  /** Errors the next embeddings requests answer, in order (then vectors again). */
  failEmbeddings(...errors: GoogleError[]): void;
  /** The behaviour used when the queue is empty. */
  setDefault(behaviour: FakeGeminiBehaviour): void;
  close(): Promise<void>;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const DEFAULT_MESSAGES: Record<number, string> = {
  429: 'You exceeded your current quota, please check your plan and billing details.',
  500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: 'The model is overloaded. Please try again later.',
};

function errorBody(error: GoogleError) {
  const details: unknown[] = [];
  if (error.retryDelaySeconds !== undefined)
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${error.retryDelaySeconds}s` });
  return {
    error: {
      code: error.code,
      message: error.message ?? DEFAULT_MESSAGES[error.code] ?? 'Request failed.',
      status: error.status ?? STATUS_NAMES[error.code] ?? 'UNKNOWN',
      ...(details.length ? { details } : {}),
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

/** A rough, deterministic token count (about four characters per token; Gemini bills an image as 258). */
function countTokens(parts: GeminiPart[]): number {
  return parts.reduce((sum, part) => sum + (part.inlineData ? 258 : Math.ceil((part.text ?? '').length / 4)), 0);
}

/** Gemini's own checks on the request shape, so a wrongly mapped request fails here as it would there. */
function validate(body: unknown): string | null {
  if (!body || typeof body !== 'object') return 'Invalid JSON payload received.';
  const { contents, systemInstruction } = body as GeminiRequestBody;
  if (!Array.isArray(contents) || contents.length === 0) return '* GenerateContentRequest.contents: contents is not specified';
  for (const content of [...contents, ...(systemInstruction ? [systemInstruction] : [])]) {
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model')
      return `Please use a valid role: user, model.`;
    if (!Array.isArray(content.parts) || content.parts.length === 0)
      return '* GenerateContentRequest.contents.parts: contents.parts must not be empty.';
    for (const part of content.parts) {
      if (part.text === '')
        return 'Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.';
      if (part.inlineData && (!part.inlineData.mimeType || !/^[A-Za-z0-9+/]+=*$/.test(part.inlineData.data)))
        return 'Invalid value at inline_data: Base64 decoding failed or mime type missing.';
      if (part.text === undefined && !part.inlineData) return 'Unsupported part in the fake.';
    }
  }
  return null;
}

function lastUserText(body: GeminiRequestBody): string {
  const last = [...body.contents].reverse().find((content) => content.role !== 'model');
  return (last?.parts ?? [])
    .map((part) => part.text ?? '')
    .join(' ')
    .trim();
}

function chunksFor(behaviour: FakeGeminiBehaviour, body: GeminiRequestBody): string[] {
  if (behaviour.chunks) return behaviour.chunks;
  if (behaviour.tokens !== undefined) return Array.from({ length: behaviour.tokens }, (_, i) => `t${i} `);
  const images = body.contents.at(-1)?.parts.filter((part) => part.inlineData).length ?? 0;
  const text = `Echo: ${lastUserText(body) || '(no text)'}${images ? ` [${images} image${images > 1 ? 's' : ''}]` : ''}`;
  return text.match(/\S+\s*/g) ?? [text];
}

export async function startFakeGemini(
  options: { apiKey?: string; defaultBehaviour?: FakeGeminiBehaviour } = {},
): Promise<FakeGemini> {
  const apiKey = options.apiKey ?? 'fake-gemini-key';
  const queue: FakeGeminiBehaviour[] = [];
  let fallback: FakeGeminiBehaviour = options.defaultBehaviour ?? {};
  const requests: FakeGeminiRequest[] = [];
  const embedRequests: FakeEmbedRequest[] = [];
  const embedFailures: GoogleError[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = /^\/v1beta\/models\/([^/:]+):(streamGenerateContent|batchEmbedContents|embedContent)$/.exec(url.pathname);
    if (req.method !== 'POST' || !route) {
      sendJson(res, 404, errorBody({ code: 404, message: `Method not found: ${req.method} ${url.pathname}` }));
      return;
    }
    const key = req.headers['x-goog-api-key'];
    const raw = Buffer.concat(await req.toArray()).toString('utf8');
    if (key === undefined) {
      sendJson(res, 403, errorBody({ code: 403, message: "Method doesn't allow unregistered callers. Please use an API key." }));
      return;
    }
    if (key !== apiKey) {
      sendJson(res, 400, errorBody({ code: 400, message: 'API key not valid. Please pass a valid API key.' }));
      return;
    }
    if (route[2] !== 'streamGenerateContent') {
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        sendJson(res, 400, errorBody({ code: 400, message: 'Invalid JSON payload received.' }));
        return;
      }
      const failure = embedFailures.shift();
      if (failure) return sendJson(res, failure.code, errorBody(failure));
      const model = decodeURIComponent(route[1] ?? '');
      const answer = answerEmbeddings(route[2] as string, model, body, req, (r) => embedRequests.push(r));
      if ('problem' in answer) return sendJson(res, 400, errorBody({ code: 400, message: answer.problem }));
      return sendJson(res, answer.status, answer.body);
    }
    if (url.searchParams.get('alt') !== 'sse') {
      sendJson(res, 400, errorBody({ code: 400, message: 'This fake only answers ?alt=sse.' }));
      return;
    }
    let body: GeminiRequestBody;
    try {
      body = JSON.parse(raw);
    } catch {
      sendJson(res, 400, errorBody({ code: 400, message: 'Invalid JSON payload received.' }));
      return;
    }
    const problem = validate(body);
    if (problem) {
      sendJson(res, 400, errorBody({ code: 400, message: problem }));
      return;
    }

    const model = decodeURIComponent(route[1] ?? '');
    const behaviour = queue.shift() ?? fallback;
    let markFinished = () => {};
    const record: FakeGeminiRequest = {
      model,
      apiKey: key,
      headers: req.headers,
      body,
      eventsSent: 0,
      aborted: false,
      finished: new Promise<void>((resolve) => {
        markFinished = resolve;
      }),
    };
    requests.push(record);
    const closed = new AbortController();
    const state = { dropping: false };
    res.on('close', () => {
      // Closed before the response was complete and not by a `disconnect` behaviour: the client went away.
      if (!res.writableFinished && !state.dropping) record.aborted = true;
      closed.abort();
      markFinished();
    });

    try {
      await play(behaviour, body, model, res, record, closed.signal, state);
    } catch (error) {
      if (!closed.signal.aborted) throw error;
    }
  }

  async function play(
    behaviour: FakeGeminiBehaviour,
    body: GeminiRequestBody,
    model: string,
    res: ServerResponse,
    record: FakeGeminiRequest,
    signal: AbortSignal,
    state: { dropping: boolean },
  ) {
    const headersFirst = behaviour.headersFirst ?? true;
    if (!headersFirst && behaviour.firstChunkDelayMs) await sleep(behaviour.firstChunkDelayMs, undefined, { signal });
    if (behaviour.httpError) {
      sendJson(res, behaviour.httpError.code, errorBody(behaviour.httpError));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'content-disposition': 'attachment',
      'cache-control': 'no-cache',
    });
    res.flushHeaders();
    const responseId = randomUUID().replace(/-/g, '').slice(0, 22);
    const promptTokenCount = countTokens([...(body.systemInstruction?.parts ?? []), ...body.contents.flatMap((c) => c.parts)]);
    const send = (event: object) => {
      res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
      record.eventsSent++;
    };
    if (headersFirst && behaviour.firstChunkDelayMs) await sleep(behaviour.firstChunkDelayMs, undefined, { signal });

    if (behaviour.blockReason) {
      send({
        promptFeedback: {
          blockReason: behaviour.blockReason,
          safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }],
        },
        usageMetadata: { promptTokenCount, totalTokenCount: promptTokenCount },
        modelVersion: model,
        responseId,
      });
      res.end();
      return;
    }

    const chunks = chunksFor(behaviour, body);
    const ends = !behaviour.streamError && !behaviour.disconnect;
    const finishReason = behaviour.finishReason === undefined ? 'STOP' : behaviour.finishReason;
    let outputTokens = 0;
    for (const [index, text] of chunks.entries()) {
      if (index > 0 && behaviour.delayMs) await sleep(behaviour.delayMs, undefined, { signal });
      outputTokens += countTokens([{ text }]);
      const last = ends && index === chunks.length - 1;
      send({
        candidates: [
          {
            content: { parts: [{ text }], role: 'model' },
            ...(last && finishReason ? { finishReason } : {}),
            index: 0,
          },
        ],
        usageMetadata: { promptTokenCount, candidatesTokenCount: outputTokens, totalTokenCount: promptTokenCount + outputTokens },
        modelVersion: model,
        responseId,
      });
    }
    if (behaviour.disconnect) {
      // Let the written events reach the client first, then drop the connection mid-response.
      await sleep(20, undefined, { signal });
      state.dropping = true;
      res.socket?.destroy();
      return;
    }
    if (behaviour.streamError) {
      send(errorBody(behaviour.streamError));
    } else if (chunks.length === 0 && finishReason) {
      // Nothing to say (e.g. a SAFETY stop): Gemini sends the finish reason on a candidate without content.
      send({
        candidates: [
          {
            finishReason,
            index: 0,
            ...(finishReason === 'SAFETY'
              ? { safetyRatings: [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'HIGH', blocked: true }] }
              : {}),
          },
        ],
        usageMetadata: { promptTokenCount, totalTokenCount: promptTokenCount },
        modelVersion: model,
        responseId,
      });
    }
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody({ code: 500, message: String(error) }));
      else res.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    embedRequests,
    failEmbeddings: (...errors) => {
      embedFailures.push(...errors);
    },
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    setDefault: (behaviour) => {
      fallback = behaviour;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
