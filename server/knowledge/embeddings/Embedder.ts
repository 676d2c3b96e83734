/** Turns text into vectors for retrieval: passages when they are stored, questions when they are asked. */
export interface Embedder {
  /** The model and vector size (`gemini-embedding-001@768`), stored with each vector: vectors of another are made again. */
  readonly model: string;
  /** `RETRIEVAL_DOCUMENT` vectors, one per passage, in order; batched by the implementation. */
  embedDocuments(passages: { title: string; text: string }[], signal?: AbortSignal): Promise<number[][]>;
  /** The `RETRIEVAL_QUERY` vector of a question. */
  embedQuery(text: string, signal?: AbortSignal): Promise<number[]>;
}

/** Why embedding failed, in terms a caller can act on without knowing the provider. */
export class EmbeddingError extends Error {
  override readonly name = 'EmbeddingError';
  constructor(
    message: string,
    /** The provider's HTTP status (null: no answer, e.g. the network failed). */
    readonly status: number | null,
    /** Worth trying again later: rate limited, overloaded, unreachable. */
    readonly retryable: boolean,
    /** How long the provider asked to wait, when it said. */
    readonly retryAfterMs: number | null = null,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
