import { z } from 'zod';
import { withGrammar } from './common.js';

/** A calendar day, `YYYY-MM-DD` (what a date field gives). */
export const Day = z.iso.date();

// A bare day means the whole UTC day, so a range from day A to day B includes both days.
const bound = (timeOfDay: string) =>
  withGrammar(z.iso.datetime({ offset: true }))
    .or(Day)
    .transform((value) => new Date(value.length === 10 ? `${value}T${timeOfDay}Z` : value));

/** A range's start: a timestamp, or a day from its first millisecond (UTC). */
export const RangeFrom = bound('00:00:00.000');

/** A range's end: a timestamp, or a day through its last millisecond (UTC). */
export const RangeTo = bound('23:59:59.999');
