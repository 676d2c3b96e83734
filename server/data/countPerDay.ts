import { oid } from './cursor.js';

/**
 * Counts documents per stored `day` with `$group`/`$sum` (FerretDB v1 has no `$dateToString` in
 * `$group`, hence the stored day string). The days are listed (`$in`, not a range) so the embedded
 * database reads only them, through the `(tenantId, day)` index.
 */
export async function countPerDay(
  // biome-ignore lint/suspicious/noExplicitAny: shared by several models
  model: { aggregate: (pipeline: any[]) => { exec: () => Promise<unknown[]> } },
  tenantId: string,
  days: string[],
  siteId?: string,
): Promise<Map<string, number>> {
  if (!days.length) return new Map();
  const match: Record<string, unknown> = { tenantId, day: { $in: days } };
  if (siteId) match.siteId = oid(siteId);
  const rows = (await model.aggregate([{ $match: match }, { $group: { _id: '$day', n: { $sum: 1 } } }]).exec()) as {
    _id: string;
    n: number;
  }[];
  return new Map(rows.map((row) => [row._id, row.n]));
}
