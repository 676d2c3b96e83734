import { ApiError, type Content, type GenerateContentResponse, GoogleGenAI, type Part } from '@google/genai';
import { abortError, isAbortError } from './abortError.js';
import { type ChatModel, type ChatRequest, type ChatResult, type FinishReason, ModelError, type ModelTurn } from './ChatModel.js';

export interface GeminiModelOptions {
  apiKey: string;
  /** The default model; a site's own `request.model` wins. */
  model: string;
  /** Points the SDK at another endpoint (a proxy, or the local fake in tests). */
  baseUrl?: string;
  /** No first chunk within this time → `model_timeout`. */
  firstTokenTimeoutMs?: number;
  /** No further chunk within this time → `model_timeout`, so a stalled stream never hangs the answer. */
  idleTimeoutMs?: number;
}

const FINISH_REASONS: Record<string, FinishReason> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'safety',
  PROHIBITED_CONTENT: 'safety',
  BLOCKLIST: 'safety',
  SPII: 'safety',
  RECITATION: 'safety',
};

function toPart(turn: ModelTurn): Part[] {
  const parts: Part[] = (turn.images ?? []).map((image) => ({
    inlineData: { mimeType: image.mimeType, data: image.data.toString('base64') },
  }));
  // Gemini rejects an empty text part, so a turn of images alone sends only the images.
  if (turn.text.trim()) parts.push({ text: turn.text });
  return parts;
}

/** History and the new turn as Gemini `contents`; turns with nothing to send are left out. */
export function toContents(history: ModelTurn[], turn: ModelTurn): Content[] {
  return [...history, turn]
    .map((item): Content => ({ role: item.role === 'assistant' ? 'model' : 'user', parts: toPart(item) }))
    .filter((content) => content.parts?.length);
}

/** Seconds from a `google.rpc.RetryInfo` detail (`retryDelay: "32s"`) in the error's JSON, if any. */
export function retryAfterFrom(error: ApiError): number | undefined {
  const start = error.message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const body = JSON.parse(error.message.slice(start)) as { error?: { details?: { retryDelay?: unknown }[] } };
    for (const detail of body.error?.details ?? []) {
      const match = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
      if (match) return Math.max(1, Math.ceil(Number(match[1])));
    }
  } catch {
    // Not JSON: no hint.
  }
  return undefined;
}

function toModelError(error: unknown): ModelError {
  if (error instanceof ModelError) return error;
  if (error instanceof ApiError) {
    const { status } = error;
    if (status === 429)
      return new ModelError('model_rate_limited', 'The AI model is receiving too many requests. Please try again shortly.', {
        cause: error,
        retryAfterSeconds: retryAfterFrom(error),
      });
    if (status >= 500)
      return new ModelError('model_unavailable', 'The AI model is unavailable right now. Please try again.', { cause: error });
    if (status === 408)
      return new ModelError('model_timeout', 'The AI model took too long to answer. Please try again.', { cause: error });
    if (status === 400 || status === 404 || status === 413)
      return new ModelError('model_bad_request', 'The AI model could not process this message.', { cause: error });
    return new ModelError('model_error', 'The AI model rejected the request.', { cause: error });
  }
  // Transport failures: refused connection (`fetch failed`), a dropped stream (`terminated`), or a truncated event.
  if (error instanceof TypeError || (error instanceof Error && /Incomplete JSON segment|socket|ECONN/i.test(error.message)))
    return new ModelError('model_unavailable', 'The connection to the AI model was lost. Please try again.', { cause: error });
  return new ModelError('model_error', 'The AI model failed to answer.', { cause: error });
}

/** Answers from Gemini through `@google/genai`, streamed; one attempt per call (the visitor can retry). */
export function createGeminiModel(options: GeminiModelOptions): ChatModel {
  const firstTokenTimeoutMs = options.firstTokenTimeoutMs ?? 30_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const ai = new GoogleGenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });

  return {
    name: 'gemini',
    async *stream(request: ChatRequest): AsyncGenerator<string, ChatResult, void> {
      if (request.signal.aborted) throw abortError();
      // Our own controller: it enforces the timeouts and closes the upstream request when the stream ends early. The
      // caller's signal aborts it through a listener (lighter than an `AbortSignal.any` per call); a stream read to its
      // end has nothing left to close and is not aborted (an abort walks the SDK's and fetch's listeners, 1.5 % of the
      // server's profile over a sustained send run).
      const watchdog = new AbortController();
      const stop = () => watchdog.abort();
      request.signal.addEventListener('abort', stop, { once: true });
      let completed = false;
      let timedOut = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          watchdog.abort();
        }, ms);
      };
      const model = request.model || options.model;
      let answered = false;
      let last: GenerateContentResponse | undefined;
      let finish: string | undefined;
      let blockReason: string | undefined;
      arm(firstTokenTimeoutMs);
      try {
        const stream = await ai.models.generateContentStream({
          model,
          contents: toContents(request.history, request.turn),
          config: {
            ...(request.system.trim() ? { systemInstruction: request.system } : {}),
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            abortSignal: watchdog.signal,
            // A dropped stream is reported, not silently resumed: the visitor decides whether to retry.
            automaticContinuation: false,
          },
        });
        for await (const chunk of stream) {
          clearTimeout(timer);
          last = chunk;
          finish = chunk.candidates?.[0]?.finishReason ?? finish;
          blockReason = chunk.promptFeedback?.blockReason ?? blockReason;
          const text = chunk.text;
          if (text) {
            answered = true;
            yield text;
          }
          arm(idleTimeoutMs);
        }
        completed = true;
      } catch (error) {
        if (request.signal.aborted) throw abortError();
        if (timedOut && isAbortError(error))
          throw new ModelError('model_timeout', 'The AI model took too long to answer. Please try again.', { cause: error });
        throw toModelError(error);
      } finally {
        clearTimeout(timer);
        request.signal.removeEventListener('abort', stop);
        if (!completed) watchdog.abort();
      }

      const finishReason = finish ? (FINISH_REASONS[finish] ?? 'other') : 'other';
      if (!answered && (blockReason || finishReason === 'safety'))
        throw new ModelError('model_blocked', 'The AI model declined to answer this message.');
      // A stream that carried no text at all (empty candidates, garbled events) is a failure the visitor
      // can retry, never a silent empty "complete" answer.
      if (!answered) throw new ModelError('model_error', 'The AI model sent no answer.');
      const usage = last?.usageMetadata;
      return {
        finishReason,
        usage: usage
          ? {
              inputTokens: usage.promptTokenCount ?? 0,
              outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
            }
          : null,
        model: last?.modelVersion || model,
      };
    },
  };
}
