import type { Model } from 'mongoose';
import type { Models } from '../db/models/index.js';

/** What an index must serve of one operation: fields compared for equality, by range, and the sort. */
export interface QueryShape {
  collection: string;
  method: string;
  equality: string[];
  range: string[];
  /** Unanchored `$regex` fields: no index bounds serve a substring match, so they never need a key. */
  scanned: string[];
  /** `field:1` or `field:-1`, in order. */
  sort: string[];
}

export interface RecordedOperation {
  collection: string;
  method: string;
  params: unknown[];
}

const FILTERED = new Set([
  'find',
  'findOne',
  'countDocuments',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;

/** Equality for a literal (string, number, ObjectId, Date, null …) or `$eq` / `$in`; anything else is a range. */
function isEquality(value: unknown): boolean {
  if (value instanceof RegExp) return false;
  if (!isPlainObject(value)) return true;
  const operators = Object.keys(value);
  if (!operators.some((k) => k.startsWith('$'))) return true; // an embedded document compared whole
  return operators.every((k) => k === '$eq' || k === '$in');
}

const isUnanchoredRegex = (value: unknown) => {
  const source = value instanceof RegExp ? value.source : isPlainObject(value) ? value.$regex : undefined;
  return source instanceof RegExp ? !source.source.startsWith('^') : typeof source === 'string' && !source.startsWith('^');
};

function classify(filter: Record<string, unknown>, equality: Set<string>, range: Set<string>, scanned: Set<string>) {
  for (const [field, value] of Object.entries(filter)) {
    if (field === '$or' || field === '$and' || field === '$nor') {
      // Branches (e.g. the keyset cursor `{at < x} or {at = x, _id < y}`) bound their fields as a range.
      for (const branch of value as Record<string, unknown>[]) for (const inner of Object.keys(branch)) range.add(inner);
    } else if (isUnanchoredRegex(value)) scanned.add(field);
    else if (isEquality(value)) equality.add(field);
    else range.add(field);
  }
  for (const field of equality) range.delete(field);
}

const sortOf = (sort: unknown): string[] =>
  isPlainObject(sort)
    ? Object.entries(sort).map(([field, dir]) => `${field}:${dir === -1 || dir === 'desc' || dir === 'descending' ? -1 : 1}`)
    : [];

/** The distinct shapes of recorded operations (inserts and index builds carry no filter and are left out). */
export function shapesOf(operations: RecordedOperation[]): QueryShape[] {
  const shapes = new Map<string, QueryShape>();
  for (const op of operations) {
    let filter: Record<string, unknown> | undefined;
    let sort: string[] = [];
    if (op.method === 'aggregate') {
      const pipeline = (op.params[0] ?? []) as Record<string, unknown>[];
      filter = (pipeline[0]?.$match ?? {}) as Record<string, unknown>;
      sort = sortOf(pipeline[1]?.$sort);
    } else if (FILTERED.has(op.method)) {
      filter = (op.params[0] ?? {}) as Record<string, unknown>;
      sort = sortOf((op.params[op.method.startsWith('findOneAnd') ? 2 : 1] as { sort?: unknown } | undefined)?.sort);
    } else continue;
    const equality = new Set<string>();
    const range = new Set<string>();
    const scanned = new Set<string>();
    classify(filter, equality, range, scanned);
    const shape: QueryShape = {
      collection: op.collection,
      method: op.method,
      equality: [...equality].sort(),
      range: [...range].sort(),
      scanned: [...scanned].sort(),
      sort,
    };
    shapes.set(JSON.stringify(shape), shape);
  }
  return [...shapes.values()];
}

interface DeclaredIndex {
  keys: { field: string; dir: number }[];
  unique: boolean;
}

/** Each collection's declared indexes: `schema.indexes()` of its model, plus the `_id` index every collection has. */
export function declaredIndexes(models: Models): Map<string, DeclaredIndex[]> {
  const byCollection = new Map<string, DeclaredIndex[]>();
  for (const model of Object.values(models) as Model<unknown>[]) {
    const indexes: DeclaredIndex[] = [{ keys: [{ field: '_id', dir: 1 }], unique: true }];
    for (const [fields, options] of model.schema.indexes())
      indexes.push({
        keys: Object.entries(fields).map(([field, dir]) => ({ field, dir: dir === -1 ? -1 : 1 })),
        unique: Boolean((options as { unique?: boolean }).unique),
      });
    byCollection.set(model.collection.collectionName, indexes);
  }
  return byCollection;
}

/**
 * Whether an index serves a shape the way MongoDB needs for a bounded plan without an in-memory sort (the ESR
 * rule): its prefix is the shape's equality fields (any order), then the sort fields in order (all directions as
 * declared or all reversed), and its remaining keys hold every other range field (a range on a sort field is served
 * by the sort; after the sort keys, ranges are checked on index keys, without reading documents). A shape with
 * equality on the `_id` or on every key of a unique index reads at most one document and is served by that index.
 */
export function serves(index: DeclaredIndex, shape: QueryShape): boolean {
  const equality = new Set(shape.equality);
  if (index.unique && index.keys.every((k) => equality.has(k.field))) return true;
  let i = 0;
  while (i < index.keys.length && equality.has((index.keys[i] as { field: string }).field)) i++;
  if (i < equality.size) return false;
  let sign = 0;
  const sortFields = new Set<string>();
  for (const entry of shape.sort) {
    const [field, dir] = entry.split(':') as [string, string];
    sortFields.add(field);
    if (equality.has(field)) continue;
    const key = index.keys[i];
    if (!key || key.field !== field) return false;
    const s = key.dir * Number(dir);
    if (sign !== 0 && s !== sign) return false;
    sign = s;
    i++;
  }
  const rest = shape.range.filter((field) => !sortFields.has(field));
  const remaining = new Set(index.keys.slice(i).map((k) => k.field));
  if (!rest.every((field) => remaining.has(field))) return false;
  // Something must bound the scan: equality, a sort the index walks, or a range on its first key.
  return equality.size > 0 || sortFields.size > 0 || rest.length > 0;
}

/**
 * Collections read whole on purpose, with the reason. `streams` holds only answers being streamed right now and is
 * read whole once, at start, to store the ones a crash interrupted.
 */
export const WHOLE_READS: Record<string, string> = { streams: 'in-flight answers only, read whole once at start' };

/** Shapes no declared index serves. */
export function unservedShapes(shapes: QueryShape[], models: Models): QueryShape[] {
  const indexes = declaredIndexes(models);
  return shapes.filter((shape) => {
    const whole = shape.equality.length + shape.range.length + shape.sort.length === 0;
    if (whole && WHOLE_READS[shape.collection]) return false;
    return !(indexes.get(shape.collection) ?? []).some((index) => serves(index, shape));
  });
}
