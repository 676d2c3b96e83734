import { z } from 'zod';
import { Cursor, Id, Limit, Timestamp, trimmedText } from './common.js';
import { MAX_TEXT_SOURCE_CHARS, MAX_WEBSITE_PAGES } from './limits.js';

export const SourceType = z.enum(['url', 'website', 'sitemap', 'text', 'file']);
export type SourceType = z.infer<typeof SourceType>;

/** `queued` → `processing` → `ready` | `failed`; a re-sync goes through the same states again. */
export const SourceStatus = z.enum(['queued', 'processing', 'ready', 'failed']);
export type SourceStatus = z.infer<typeof SourceStatus>;

export const SourceError = z.object({ code: z.string(), message: z.string() });
export type SourceError = z.infer<typeof SourceError>;

/** A page that could not be read during the last sync (the first few are kept; `failedPages` counts them all). */
export const PageFailure = z.object({ url: z.string().nullable(), page: z.number().int().nullable(), ...SourceError.shape });
export type PageFailure = z.infer<typeof PageFailure>;

/** Something the assistant knows from: a page, a crawled website, a sitemap, a file or a text snippet. */
export const Source = z.object({
  id: Id,
  siteId: Id,
  type: SourceType,
  title: z.string(),
  url: z.string().nullable(),
  status: SourceStatus,
  /** Why the last sync failed (`failed`), or null. */
  error: SourceError.nullable(),
  /**
   * A caveat of the last sync that still made the source ready, or null. `embeddings_unavailable`: Gemini embeddings
   * kept failing, so the source is searched by keywords only until its next sync embeds what is missing.
   */
  warning: SourceError.nullable(),
  /** Pages (web pages, PDF pages, one per other file or snippet) in the served chunks. */
  pages: z.number().int(),
  chunks: z.number().int(),
  /** Of the sync running now (or the last one). */
  progress: z.object({ done: z.number().int(), total: z.number().int() }),
  failedPages: z.number().int(),
  failures: z.array(PageFailure),
  lastSyncedAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type Source = z.infer<typeof Source>;

/**
 * Web addresses an admin gives: absolute `http://` or `https://`, no credentials, no spaces, and a URL the WHATWG
 * parser accepts (checked beside the pattern, which stays simple enough for the document). Where it resolves to is
 * checked by the fetcher.
 */
export const SourceUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^\s/?#@\\]+[^\s]*$/, 'must be an http:// or https:// URL')
  .refine((value) => URL.parse(value) !== null, 'must be an http:// or https:// URL');

export const SourceCreate = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('url'), url: SourceUrl }),
  z.strictObject({
    type: z.literal('website'),
    url: SourceUrl,
    maxPages: z.number().int().min(1).max(MAX_WEBSITE_PAGES).optional(),
  }),
  z.strictObject({ type: z.literal('sitemap'), url: SourceUrl }),
  z.strictObject({
    type: z.literal('text'),
    title: trimmedText(200, { nonBlank: true }),
    text: trimmedText(MAX_TEXT_SOURCE_CHARS, { nonBlank: true }),
  }),
]);
export type SourceCreate = z.input<typeof SourceCreate>;

/** The text fields that may come with a file upload (multipart), besides `file`. */
export const SourceFileFields = z.strictObject({ title: trimmedText(200, { nonBlank: true }).optional() });
export type SourceFileFields = z.infer<typeof SourceFileFields>;

export const SourceListQuery = z.strictObject({ limit: Limit, cursor: Cursor.optional() });
export type SourceListQuery = z.input<typeof SourceListQuery>;
