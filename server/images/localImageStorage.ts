import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { AppError, notFound } from '../lib/AppError.js';
import { type ImageStorage, type ImageUrls, isImageKey, MIME_TYPES, type StoredImage, THUMBNAIL_WIDTH } from './ImageStorage.js';

/** The only widths `?w=` may ask for, so variants cannot be used to fill the disk or burn CPU. */
export const VARIANT_WIDTHS = [160, 320, 640, 1024] as const;

export interface LocalImageStorageOptions {
  /** The folder for images, e.g. `join(config.dataDir, 'images')`. */
  dir: string;
  /** Prepended to `/images/<key>`: `''` for same-origin relative URLs, or the public origin (e.g. `config.PUBLIC_URL`). */
  baseUrl?: string;
}

/** Images as files on the server's disk, served by `localImageRoutes`; resized variants are made once and kept. */
export class LocalImageStorage implements ImageStorage {
  readonly name = 'local';
  readonly dir: string;
  /** Settable so `main` can fill in the listening address when PUBLIC_URL is unset (port 0). */
  baseUrl: string;
  readonly #pending = new Map<string, Promise<string>>();

  constructor(options: LocalImageStorageOptions) {
    this.dir = options.dir;
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
  }

  async put({ key, data }: { key: string; data: Buffer; mimeType: string }): Promise<StoredImage> {
    if (!isImageKey(key)) throw new Error(`Invalid image key: ${key}`);
    await mkdir(this.dir, { recursive: true });
    await writeAtomically(join(this.dir, key), data);
    return { storage: 'local', key, url: this.urls({ storage: 'local', key, url: '' }).url };
  }

  urls(stored: StoredImage): ImageUrls {
    const url = `${this.baseUrl}/images/${stored.key}`;
    return { url, thumbnailUrl: `${url}?w=${THUMBNAIL_WIDTH}` };
  }

  async read(stored: StoredImage): Promise<Buffer> {
    if (!isImageKey(stored.key)) throw notFound('Image');
    try {
      return await readFile(join(this.dir, stored.key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('Image');
      throw error;
    }
  }

  async delete(stored: StoredImage): Promise<void> {
    if (!isImageKey(stored.key)) return;
    await Promise.all([
      rm(join(this.dir, stored.key), { force: true }),
      ...VARIANT_WIDTHS.map((width) => rm(this.#variantFile(stored.key, width), { force: true })),
    ]);
  }

  /** The original's path; 404 when the key is malformed or unknown. */
  async originalPath(key: string): Promise<string> {
    if (!isImageKey(key)) throw notFound('Image');
    const path = join(this.dir, key);
    if (!(await isFile(path))) throw notFound('Image');
    return path;
  }

  /** The path of a resized copy (`width` from VARIANT_WIDTHS), made on first request; never wider than the original. */
  async variantPath(key: string, width: number): Promise<string> {
    if (!(VARIANT_WIDTHS as readonly number[]).includes(width))
      throw new AppError(400, 'invalid_width', `w must be one of ${VARIANT_WIDTHS.join(', ')}`);
    const original = await this.originalPath(key);
    const path = this.#variantFile(key, width);
    if (await isFile(path)) return path;
    // Concurrent first requests for the same variant share one resize.
    let pending = this.#pending.get(path);
    if (!pending) {
      pending = this.#makeVariant(original, path, width).finally(() => this.#pending.delete(path));
      this.#pending.set(path, pending);
    }
    return pending;
  }

  mimeType(key: string): string {
    return MIME_TYPES[extname(key).slice(1)] ?? 'application/octet-stream';
  }

  #variantFile(key: string, width: number) {
    const extension = extname(key);
    return join(this.dir, 'variants', `${key.slice(0, -extension.length)}.w${width}${extension}`);
  }

  async #makeVariant(original: string, path: string, width: number): Promise<string> {
    const format = extname(path).slice(1) === 'jpg' ? 'jpeg' : (extname(path).slice(1) as 'webp' | 'png' | 'gif' | 'avif');
    const data = await sharp(original, { pages: 1 })
      .resize({ width, withoutEnlargement: true })
      .toFormat(format, { quality: 80 })
      .toBuffer();
    await mkdir(join(this.dir, 'variants'), { recursive: true });
    await writeAtomically(path, data);
    return path;
  }
}

async function writeAtomically(path: string, data: Buffer) {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

async function isFile(path: string) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
