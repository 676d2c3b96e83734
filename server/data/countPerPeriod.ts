import { oid } from './cursor.js';

/**
 * What the stats count and keep: a UTC day (`YYYY-MM-DD`), hour (`YYYY-MM-DDTHH`) or ten minutes (`YYYY-MM-DDTHH:M`,
 * a stored `slot`: `utcSlot`).
 */
export const isDay = (period: string) => period.length === 10;
/** The six slots of an hour. */
export const slotsOf = (hour: string) => Array.from({ length: 6 }, (_, tens) => `${hour}:${tens}`);
/** The embedded database pushes down an `$in` of at most 200 values: longer lists are read this many at a time. */
export const VALUES_PER_READ = 200;
/** `values` in lists of at most `VALUES_PER_READ`, in order. */
export const inReads = <T>(values: T[]): T[][] =>
  Array.from({ length: Math.ceil(values.length / VALUES_PER_READ) }, (_, i) =>
    values.slice(i * VALUES_PER_READ, (i + 1) * VALUES_PER_READ),
  );

/**
 * Counts documents per listed day, hour and slot, with `$group`/`$sum` on the stored `day` and `slot` (FerretDB v1 has
 * no `$dateToString` in `$group`, hence the stored strings). The periods are listed (`$in`, not a range) so the
 * embedded database reads only them, through the `(tenantId, day)` or `(tenantId, slot)` index: one aggregate per 200
 * days (a year's first read is two), one per 200 slots (an hour is its six).
 */
export async function countPerPeriod(
  // biome-ignore lint/suspicious/noExplicitAny: shared by several models
  model: { aggregate: (pipeline: any[]) => { exec: () => Promise<unknown[]> } },
  tenantId: string,
  periods: string[],
  siteId?: string,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const count = async (field: 'day' | 'slot', periodOf: Map<string, string>) => {
    const match: Record<string, unknown> = { tenantId, [field]: { $in: [...periodOf.keys()] } };
    if (siteId) match.siteId = oid(siteId);
    const rows = (await model.aggregate([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]).exec()) as {
      _id: string;
      n: number;
    }[];
    for (const row of rows) {
      const period = periodOf.get(row._id) as string;
      counts.set(period, (counts.get(period) ?? 0) + row.n);
    }
  };
  const days = periods.filter(isDay);
  for (const some of inReads(days)) await count('day', new Map(some.map((day) => [day, day])));
  const slots = periods
    .filter((period) => !isDay(period))
    .flatMap((period) => (period.length === 13 ? slotsOf(period) : [period]).map((slot) => [slot, period] as const));
  for (const some of inReads(slots)) await count('slot', new Map(some));
  return counts;
}
