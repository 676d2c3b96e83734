/** Turns text into vectors for retrieval: passages when they are stored, questions when they are asked. */
export interface Embedder {
  /** The model, recorded so vectors of another model are never compared. */
  readonly model: string;
  /** `RETRIEVAL_DOCUMENT` vectors, one per passage, in order; batched by the implementation. */
  embedDocuments(passages: { title: string; text: string }[], signal?: AbortSignal): Promise<number[][]>;
  /** The `RETRIEVAL_QUERY` vector of a question. */
  embedQuery(text: string, signal?: AbortSignal): Promise<number[]>;
}
