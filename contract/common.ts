import { z } from 'zod';

/** Ids are 24-hex-character strings (MongoDB ObjectIds) everywhere in the API. */
export const Id = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hex id');

export const IdParams = z.strictObject({ id: Id });

/** An ISO 8601 timestamp string. */
export const Timestamp = z.iso.datetime({ offset: true });

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
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
export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const MessageStatus = z.enum(['pending', 'streaming', 'complete', 'stopped', 'error']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Rating = z.enum(['up', 'down']);
export type Rating = z.infer<typeof Rating>;
