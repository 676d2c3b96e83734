import { Types } from 'mongoose';
import { badRequest } from '../lib/AppError.js';

/** An opaque keyset cursor: the sort value and the `_id` of the last item of a page. */
export interface CursorPosition {
  at: Date;
  id: Types.ObjectId;
}

export function encodeCursor(at: Date, id: Types.ObjectId | string): string {
  return Buffer.from(`${at.getTime()}.${String(id)}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): CursorPosition | undefined {
  if (!cursor) return undefined;
  const [ms, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  const at = Number(ms);
  if (!Number.isSafeInteger(at) || !id || !Types.ObjectId.isValid(id) || id.length !== 24) throw badRequest('Invalid cursor');
  return { at: new Date(at), id: new Types.ObjectId(id) };
}

/** Filter for the items after `position` in `field` descending, `_id` descending order. */
export function afterDescending(field: string, position: CursorPosition | undefined): Record<string, unknown> {
  if (!position) return {};
  return { $or: [{ [field]: { $lt: position.at } }, { [field]: position.at, _id: { $lt: position.id } }] };
}

/** Reads `limit + 1` items to know whether there is a next page. */
export function toPage<T>(rows: T[], limit: number, position: (row: T) => { at: Date; id: Types.ObjectId }) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(position(last).at, position(last).id) : null;
  return { items, nextCursor };
}

export const oid = (id: string) => new Types.ObjectId(id);

/** `YYYY-MM-DD` in UTC: stored on documents for per-day stats. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The UTC ten minutes of `at` (`YYYY-MM-DDTHH:M`, M the tens of minutes): stored beside `day` on counted documents and
 * messages, so the stats count the open day's hours, and a page of history is found, by equality on a few values.
 */
export const utcSlot = (at: Date) => at.toISOString().slice(0, 15);
