import { ApiError, GoogleGenAI } from '@google/genai';
import { retryAfterFrom } from '../../ai/geminiModel.js';
import { type Embedder, EmbeddingError } from './Embedder.js';

export interface GeminiEmbedderOptions {
  apiKey: string;
  /** Points the SDK at another endpoint (the local fake in tests). */
  baseUrl?: string;
  model?: string;
  /** 768 keeps the index small; Gemini's vectors at this size are not normalised (the index normalises them). */
  dimensions?: number;
}

/** The Gemini API takes at most 100 texts per `batchEmbedContents` request. */
const BATCH = 100;
/** About 2,048 tokens: Gemini's input limit per text. */
const MAX_CHARS = 8000;

/** The SDK's failure as an `EmbeddingError` (rate limits, 5xx and transport failures are worth retrying); aborts pass. */
function toEmbeddingError(error: unknown): unknown {
  if (error instanceof ApiError) {
    const retryable = error.status === 429 || error.status === 408 || error.status >= 500;
    const after = error.status === 429 ? retryAfterFrom(error) : undefined;
    return new EmbeddingError(
      `Gemini embeddings answered ${error.status}`,
      error.status,
      retryable,
      after ? after * 1000 : null,
      {
        cause: error,
      },
    );
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  if (error instanceof TypeError || (error instanceof Error && /socket|ECONN|terminated/i.test(error.message)))
    return new EmbeddingError('Gemini embeddings could not be reached', null, true, null, { cause: error });
  return error;
}

/** `gemini-embedding-001` through `@google/genai` `models.embedContent`. */
export function createGeminiEmbedder(options: GeminiEmbedderOptions): Embedder {
  const model = options.model ?? 'gemini-embedding-001';
  const dimensions = options.dimensions ?? 768;
  const ai = new GoogleGenAI({
    apiKey: options.apiKey,
    ...(options.baseUrl ? { httpOptions: { baseUrl: options.baseUrl } } : {}),
  });

  async function embed(texts: string[], config: { taskType: string; title?: string }, signal?: AbortSignal) {
    const response = await ai.models
      .embedContent({
        model,
        contents: texts.map((text) => text.slice(0, MAX_CHARS)),
        config: { ...config, outputDimensionality: dimensions, ...(signal ? { abortSignal: signal } : {}) },
      })
      .catch((error: unknown) => {
        throw toEmbeddingError(error);
      });
    const vectors = (response.embeddings ?? []).map((embedding) => embedding.values ?? []);
    if (vectors.length !== texts.length || vectors.some((vector) => vector.length === 0))
      throw new Error(`Gemini returned ${vectors.length} embeddings for ${texts.length} texts.`);
    return vectors;
  }

  return {
    model: `${model}@${dimensions}`,
    async embedDocuments(passages, signal) {
      const vectors: number[][] = [];
      for (let i = 0; i < passages.length; i += BATCH) {
        // The title goes into the text: a batch request carries one title for all its texts.
        const batch = passages.slice(i, i + BATCH).map((p) => (p.title ? `${p.title}\n\n${p.text}` : p.text));
        vectors.push(...(await embed(batch, { taskType: 'RETRIEVAL_DOCUMENT' }, signal)));
      }
      return vectors;
    },
    async embedQuery(text, signal) {
      return (await embed([text], { taskType: 'RETRIEVAL_QUERY' }, signal))[0] as number[];
    },
  };
}
