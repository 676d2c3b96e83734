import type { IncomingMessage } from 'node:http';
import { fakeEmbedding } from './fakeEmbedding.js';

/** What one embeddings request asked for, recorded for assertions. */
export interface FakeEmbedRequest {
  model: string;
  apiKey: string | undefined;
  /** `batchEmbedContents` or `embedContent`. */
  method: string;
  texts: string[];
  taskTypes: (string | undefined)[];
  dimensions: (number | undefined)[];
}

interface EmbedContentRequest {
  model?: string;
  content?: { parts?: { text?: string }[] };
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}

const TASK_TYPES = new Set([
  'TASK_TYPE_UNSPECIFIED',
  'RETRIEVAL_QUERY',
  'RETRIEVAL_DOCUMENT',
  'SEMANTIC_SIMILARITY',
  'CLASSIFICATION',
  'CLUSTERING',
  'QUESTION_ANSWERING',
  'FACT_VERIFICATION',
  'CODE_RETRIEVAL_QUERY',
]);

/** Gemini's checks on one `EmbedContentRequest`; a message when it would refuse it. */
function problemWith(request: EmbedContentRequest, model: string, batched: boolean): string | null {
  if (batched && request.model !== `models/${model}`)
    return `Model "${request.model}" of a request does not match the batch's model "models/${model}".`;
  const texts = request.content?.parts?.map((part) => part.text) ?? [];
  if (texts.length === 0 || texts.some((text) => typeof text !== 'string' || text === ''))
    return '* EmbedContentRequest.content: contents.parts must not be empty.';
  if (request.taskType !== undefined && !TASK_TYPES.has(request.taskType))
    return `Invalid value at 'requests[0].task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), "${request.taskType}"`;
  const dims = request.outputDimensionality;
  if (dims !== undefined && (!Number.isInteger(dims) || dims < 128 || dims > 3072))
    return 'outputDimensionality must be between 128 and 3072.';
  return null;
}

const textOf = (request: EmbedContentRequest) => (request.content?.parts ?? []).map((part) => part.text ?? '').join(' ');
const vectorOf = (request: EmbedContentRequest) =>
  fakeEmbedding(`${request.title ?? ''} ${textOf(request)}`, request.outputDimensionality ?? 3072);

/**
 * Gemini's `POST /v1beta/models/{model}:batchEmbedContents` (what `models.embedContent` calls on the Gemini API, at
 * most 100 requests) and `:embedContent`, answering `fakeEmbedding` vectors: `{status, body}` to send.
 */
export function answerEmbeddings(
  method: string,
  model: string,
  body: unknown,
  req: IncomingMessage,
  record: (request: FakeEmbedRequest) => void,
): { status: number; body: unknown } | { problem: string } {
  const batched = method === 'batchEmbedContents';
  const requests: EmbedContentRequest[] = batched
    ? ((body as { requests?: EmbedContentRequest[] })?.requests ?? [])
    : [body as EmbedContentRequest];
  if (batched && (requests.length === 0 || requests.length > 100))
    return {
      problem: `* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch (got ${requests.length}).`,
    };
  for (const request of requests) {
    const problem = problemWith(request ?? {}, model, batched);
    if (problem) return { problem };
  }
  record({
    model,
    apiKey: req.headers['x-goog-api-key'] as string | undefined,
    method,
    texts: requests.map(textOf),
    taskTypes: requests.map((request) => request.taskType),
    dimensions: requests.map((request) => request.outputDimensionality),
  });
  if (!batched) return { status: 200, body: { embedding: { values: vectorOf(requests[0] as EmbedContentRequest) } } };
  return { status: 200, body: { embeddings: requests.map((request) => ({ values: vectorOf(request) })) } };
}
