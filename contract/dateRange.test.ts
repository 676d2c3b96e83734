import { describe, expect, it } from 'vitest';
import { Day, RangeFrom, RangeTo } from './dateRange.js';
import { isDay } from './day.js';

describe('date ranges', () => {
  it('reads a bare day as the whole UTC day, so both ends of the range are included', () => {
    expect(RangeFrom.parse('2026-03-01').toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(RangeTo.parse('2026-03-31').toISOString()).toBe('2026-03-31T23:59:59.999Z');
  });

  it('keeps a timestamp as the instant it names', () => {
    expect(RangeFrom.parse('2026-03-01T10:00:00+02:00').toISOString()).toBe('2026-03-01T08:00:00.000Z');
    expect(RangeTo.parse('2026-03-01T10:00:00Z').toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('refuses what is neither', () => {
    for (const bad of ['2026-13-45', '2026-3-1', 'yesterday', '2026-03-01T10:00'])
      expect(RangeFrom.safeParse(bad).success, bad).toBe(false);
    const days = ['2026-02-28', '2024-02-29', '2026-02-29', '2026-02-30', '2026-13-01', '26-02-28', '2026-2-28', ''];
    expect(days.map(isDay)).toEqual([true, true, false, false, false, false, false, false]);
    expect(days.map(isDay)).toEqual(days.map((day) => Day.safeParse(day).success));
  });
});
