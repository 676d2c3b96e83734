import { describe, expect, it } from 'vitest';
import { isDay, RangeFrom, RangeTo } from './dateRange.js';

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
    expect(['2026-02-28', '2026-02-30', '26-02-28', ''].map(isDay)).toEqual([true, false, false, false]);
  });
});
