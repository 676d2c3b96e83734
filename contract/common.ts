import { z } from 'zod';
import { ErrorDetails } from './fieldErrors.js';

/** Ids are 24-hex-character strings (MongoDB ObjectIds) everywhere in the API. */
export const Id = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id');

export const IdParams = z.strictObject({ id: Id });
/** The site a nested route is under (`/sites/:siteId/…`). */
export const SiteIdParams = z.strictObject({ siteId: Id });

/** An ISO 8601 timestamp string. */
export const Timestamp = z.iso.datetime({ offset: true });

/** Every error answer (one component of the document, which each operation's error answers refer to). */
export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: ErrorDetails.optional() }) })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Every list is `{items, nextCursor}`; `nextCursor` is opaque and `null` on the last page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const Cursor = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, 'invalid cursor');
/**
 * An integer query parameter: decimal digits only, which is what the document's `integer` means in a
 * query string (a plain `z.coerce.number()` would also take `1e1`, ` 5` or `0x10`).
 */
export const queryInt = (min: number, max: number, fallback: number) =>
  z
    .preprocess(
      (value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value),
      z.number().int().min(min).max(max),
    )
    .default(fallback);

export const Limit = queryInt(1, 100, 20);

/**
 * Text that is trimmed, with its limits checked on the text as sent (so the document's `maxLength`
 * holds); `nonBlank` refuses whitespace-only text and is published as the pattern `\S`.
 */
export function trimmedText(max: number, options: { nonBlank?: boolean } = {}) {
  const limited = z.string().max(max);
  return (options.nonBlank ? limited.regex(/\S/, 'must not be blank') : limited).trim();
}

/**
 * Publishes a string format's own grammar as its `pattern`: zod's formats are stricter than JSON
 * Schema's (no lower-case `t`/`z` or leap second in a date-time, a top-level domain of two letters or
 * more in an email), and the document must refuse what the server refuses.
 */
export const withGrammar = <T extends z.ZodType & { _zod: { def: { pattern?: RegExp } } }>(schema: T): T =>
  schema.meta({ pattern: schema._zod.def.pattern?.source });

/** Request bodies are JSON of at most this size (413 beyond); the document says so. */
export const JSON_BODY_LIMIT_KB = 64;

export const MessageStatus = z.enum(['pending', 'streaming', 'complete', 'stopped', 'error']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Rating = z.enum(['up', 'down']);
export type Rating = z.infer<typeof Rating>;
