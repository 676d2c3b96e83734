/** One turn of the conversation as the model sees it. */
export interface ModelTurn {
  role: 'user' | 'assistant';
  text: string;
  /** Images already downsized for the model (the user's turn only). */
  images?: ModelImage[];
}

export interface ModelImage {
  mimeType: string;
  data: Buffer;
  width: number;
  height: number;
}

/** A numbered passage of the site's knowledge, retrieved for the question; the answer cites it as `[number]`. */
export interface KnowledgePassage {
  number: number;
  title: string;
  headingPath: string[];
  url: string | null;
  page: number | null;
  text: string;
  /** Its BM25 score for the question (null: found by meaning only), to tell close passages from weak ones. */
  keywordScore: number | null;
}

export interface ChatRequest {
  /** The site's persona / system instruction. */
  system: string;
  /** A bounded window of earlier turns, oldest first. */
  history: ModelTurn[];
  /** The new user turn. */
  turn: ModelTurn;
  /** Overrides the provider's default model (from the site's settings). */
  model?: string | null;
  temperature?: number;
  /**
   * The site's knowledge for this question, best first (also in `system`, numbered): the offline provider answers from
   * it. `suggestions` are questions the site's FAQ answers, offered when nothing matches.
   */
  knowledge: { passages: KnowledgePassage[]; suggestions: string[] };
  signal: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'safety' | 'other';

export interface ChatResult {
  finishReason: FinishReason;
  usage: { inputTokens: number; outputTokens: number } | null;
  /** The model that answered. */
  model: string;
  /** The passages (numbers) the answer is drawn from, when the provider knows them without `[n]` markers. */
  cited?: number[];
}

/**
 * A provider of streamed answers. `stream` yields text deltas and returns the result;
 * it throws `ModelError` on provider failures and an `AbortError` when `signal` aborts.
 */
export interface ChatModel {
  readonly name: string;
  stream(request: ChatRequest): AsyncGenerator<string, ChatResult, void>;
}

export type ModelErrorCode =
  | 'model_rate_limited'
  | 'model_unavailable'
  | 'model_blocked'
  | 'model_timeout'
  | 'model_bad_request'
  | 'model_error';

/** A provider failure, mapped to a code stored on the message and sent in the `error` event. */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly retryAfterSeconds: number | undefined;
}
