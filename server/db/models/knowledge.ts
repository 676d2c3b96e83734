import { Schema, type Types } from 'mongoose';

/** One knowledge source of a site (contract `Source`), with what its sync needs. */
export interface KnowledgeSourceDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  type: 'url' | 'website' | 'sitemap' | 'text' | 'file';
  title: string;
  url: string | null;
  /** A `text` source's snippet (bounded by `MAX_TEXT_SOURCE_CHARS`). */
  text: string | null;
  /** A `website` source's page budget. */
  maxPages: number | null;
  /** A `file` source: its sniffed type, size and how many parts its bytes are stored in (`knowledgefileparts`). */
  file: { mimeType: string; bytes: number; parts: number } | null;
  status: 'queued' | 'processing' | 'ready' | 'failed';
  error: { code: string; message: string } | null;
  /** A caveat of the last sync that did not stop it (embeddings unavailable: keywords only until the next sync). */
  warning: { code: string; message: string } | null;
  /** The chunk generation answers are served from (0: none yet); a sync writes the next one, then swaps. */
  generation: number;
  pages: number;
  chunks: number;
  progress: { done: number; total: number };
  failedPages: number;
  failures: { url: string | null; page: number | null; code: string; message: string }[];
  /** Per page (URL or page number) of the served generation: its content hash, so a re-sync skips what is unchanged. */
  pageHashes: { key: string; hash: string }[];
  lastSyncedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const knowledgeSourceSchema = new Schema<KnowledgeSourceDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, enum: ['url', 'website', 'sitemap', 'text', 'file'], required: true },
    title: { type: String, required: true },
    url: { type: String, default: null },
    text: { type: String, default: null },
    maxPages: { type: Number, default: null },
    file: { type: Schema.Types.Mixed, default: null },
    status: { type: String, enum: ['queued', 'processing', 'ready', 'failed'], required: true },
    error: { type: Schema.Types.Mixed, default: null },
    warning: { type: Schema.Types.Mixed, default: null },
    generation: { type: Number, default: 0 },
    pages: { type: Number, default: 0 },
    chunks: { type: Number, default: 0 },
    progress: { type: Schema.Types.Mixed, default: () => ({ done: 0, total: 0 }) },
    failedPages: { type: Number, default: 0 },
    failures: { type: [{ url: String, page: Number, code: String, message: String, _id: false }], default: [] },
    pageHashes: { type: [{ key: String, hash: String, _id: false }], default: [] },
    lastSyncedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
// A site's sources, newest first (the admin list and its cursor); a tenant's counts for the limits.
knowledgeSourceSchema.index({ tenantId: 1, siteId: 1, createdAt: -1, _id: -1 });

/** One passage of a source's page, in its own document (never an array in the source). */
export interface KnowledgeChunkDoc {
  _id: Types.ObjectId;
  tenantId: string;
  siteId: Types.ObjectId;
  sourceId: Types.ObjectId;
  /** The source's sync that wrote it; only the source's current `generation` is served. */
  generation: number;
  title: string;
  url: string | null;
  page: number | null;
  headingPath: string[];
  text: string;
  /** sha256 of the normalized text: duplicates within a site are stored once. */
  hash: string;
  /** Order within the source. */
  position: number;
  /**
   * The `RETRIEVAL_DOCUMENT` vector, written with the chunk when a Gemini key is set: Float32 little-endian bytes
   * (a quarter of a number array's size, and read back without parsing). Null without a key or when embedding failed.
   */
  embedding: Buffer | null;
  /** What made `embedding` (model and size): a vector of another one is made again, never compared. */
  embeddingModel: string | null;
  createdAt: Date;
}

export const knowledgeChunkSchema = new Schema<KnowledgeChunkDoc>(
  {
    tenantId: { type: String, required: true },
    siteId: { type: Schema.Types.ObjectId, required: true },
    sourceId: { type: Schema.Types.ObjectId, required: true },
    generation: { type: Number, required: true },
    title: { type: String, required: true },
    url: { type: String, default: null },
    page: { type: Number, default: null },
    headingPath: { type: [String], default: [] },
    text: { type: String, required: true },
    hash: { type: String, required: true },
    position: { type: Number, required: true },
    embedding: { type: Buffer, default: null },
    embeddingModel: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// A site's chunks (the retrieval index is built from them), a source's generations, a tenant's count.
knowledgeChunkSchema.index({ tenantId: 1, siteId: 1, sourceId: 1, generation: 1, position: 1 });
knowledgeChunkSchema.index({ tenantId: 1, sourceId: 1, generation: 1 });

/**
 * A site's knowledge version, `_id` = the site id: a new random `stamp` on every change of its served chunks. A
 * random stamp, not a counter: updates are not atomic on the embedded database, and two racing counters could both
 * write the same number, while two racing stamps always differ from what any reader saw before.
 */
export interface KnowledgeVersionDoc {
  _id: string;
  tenantId: string;
  stamp: string;
  changedAt: Date;
}

export const knowledgeVersionSchema = new Schema<KnowledgeVersionDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    stamp: { type: String, required: true },
    changedAt: { type: Date, required: true },
  },
  { versionKey: false },
);

/** An uploaded file's bytes while (and after) it is ingested, in parts under the document size limit; `_id` `<sourceId>:<n>`. */
export interface KnowledgeFilePartDoc {
  _id: string;
  tenantId: string;
  sourceId: Types.ObjectId;
  data: Buffer;
}

export const knowledgeFilePartSchema = new Schema<KnowledgeFilePartDoc>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    sourceId: { type: Schema.Types.ObjectId, required: true },
    data: { type: Buffer, required: true },
  },
  { versionKey: false },
);
