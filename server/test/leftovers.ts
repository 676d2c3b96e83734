import { readdir } from 'node:fs/promises';
import type { Model } from 'mongoose';
import type { Models } from '../db/models/index.js';

/**
 * Every stored document, in every collection the models declare (so a collection added later is searched too), whose
 * JSON holds one of `needles` (ids, keys, text of removed data): `collection _id`. `allowed` keeps what may stay (the
 * record of the removal itself).
 */
export async function leftovers(
  models: Models,
  needles: string[],
  allowed: (collection: string, doc: Record<string, unknown>) => boolean = () => false,
): Promise<string[]> {
  const found: string[] = [];
  for (const model of Object.values(models) as Model<unknown>[]) {
    const collection = model.collection.collectionName;
    for (const doc of await model.find({}).lean<Record<string, unknown>[]>()) {
      const text = JSON.stringify(doc);
      const hit = needles.find((needle) => text.includes(needle));
      if (hit && !allowed(collection, doc)) found.push(`${collection} ${String(doc._id)} holds ${hit}`);
    }
  }
  return found;
}

/** Files of a local image folder whose name starts with one of the keys (originals and resized copies). */
export async function filesOf(dir: string, keys: string[]): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => keys.some((key) => name.startsWith(key)));
}
