/** A piece of the site's knowledge as retrieval indexes it: a stored chunk, or one FAQ entry. */
export interface Passage {
  /** Unique within the site (a chunk's id, or `faq:<n>`). */
  id: string;
  /** What a citation points back to: the source's id (`faq` for the site's FAQ entries). */
  sourceId: string;
  title: string;
  /** Where a citation links to; null for files and text snippets. */
  url: string | null;
  /** The page within a document (PDF), from 1. */
  page: number | null;
  headingPath: string[];
  text: string;
  /** The `RETRIEVAL_DOCUMENT` embedding, when one was made (stored chunks: Float32, as the database keeps them). */
  embedding: ArrayLike<number> | null;
}

/** A passage found for a question, with how it was found. */
export interface RetrievedPassage {
  passage: Passage;
  /** 0..1: the share of the question's meaningful words it matched, or its cosine similarity when higher. */
  score: number;
  /** The BM25 score of the keyword index (null: not found by keywords). */
  keywordScore: number | null;
  /** Cosine similarity with the question's embedding (null: no embeddings). */
  similarity: number | null;
  /** Whether it passes the match rule (see `siteIndex`); only those are given to the model. */
  matches: boolean;
}
