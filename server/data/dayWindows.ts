import { utcDay } from './cursor.js';

const DAY_MS = 86_400_000;
/** The widest window: one `$in` of this many days (the embedded database's prefilter takes up to 200 values). */
const WIDEST = 128;
/** No conversation is older than the product: a walk that found too few stops here. */
export const OLDEST_DAY = '2020-01-01';

/**
 * UTC days from `newest` back to `oldest` (both `YYYY-MM-DD`, inclusive), in windows of 1, 2, 4, … up to 128 days,
 * newest first. A list sorted by time reads window after window, each through an index on the stored day, and
 * stops as soon as its page is full: the first windows hold nearly every page, whatever the collection's size.
 */
export function* dayWindows(newest: string, oldest: string): Generator<string[]> {
  let at = Date.parse(`${newest}T00:00:00Z`);
  const end = Date.parse(`${oldest}T00:00:00Z`);
  for (let size = 1; at >= end; size = Math.min(size * 2, WIDEST)) {
    const days: string[] = [];
    for (let i = 0; i < size && at >= end; i++, at -= DAY_MS) days.push(utcDay(new Date(at)));
    yield days;
  }
}
