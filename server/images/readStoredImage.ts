import type { ImageStorage, StoredImage } from './ImageStorage.js';

/**
 * An image's bytes, for the model: from disk when the storage keeps files (local), else fetched from
 * its delivery URL (ImageKit: signed when private).
 */
export async function readStoredImage(storage: ImageStorage, stored: StoredImage): Promise<Buffer> {
  const readable = storage as ImageStorage & { read?: (s: StoredImage) => Promise<Buffer> };
  if (typeof readable.read === 'function') return readable.read(stored);
  const res = await fetch(storage.urls(stored).url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`Could not read image ${stored.key}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}
