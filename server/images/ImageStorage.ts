import { randomBytes } from 'node:crypto';

export type ImageStorageName = 'local' | 'imagekit';

/** What the Image document keeps about where the bytes are. */
export interface StoredImage {
  storage: ImageStorageName;
  /** Where the bytes live in that storage: a file name (local) or the file path under the URL endpoint (ImageKit). */
  key: string;
  /** The full-size URL at upload time; prefer `urls()` when rendering (signed URLs expire, base URLs change). */
  url: string;
  /** ImageKit's `fileId`, needed to delete the file. */
  providerFileId?: string;
}

export interface ImageUrls {
  url: string;
  thumbnailUrl: string;
}

/** Where re-encoded images are kept and how they are addressed. One implementation per backend, chosen from config. */
export interface ImageStorage {
  readonly name: ImageStorageName;
  /** `key` from `newImageKey`; `tags` label the file where the backend supports it (ImageKit), e.g. the site id. */
  put(image: { key: string; data: Buffer; mimeType: string; tags?: string[] }): Promise<StoredImage>;
  urls(stored: StoredImage): ImageUrls;
  /** The stored bytes (e.g. to hand the image to the model); 404 `not_found` when gone, 503 when the backend is down. */
  read(stored: StoredImage): Promise<Buffer>;
  /** Removes the image (and any variants); a missing image is not an error. */
  delete(stored: StoredImage): Promise<void>;
}

/** Thumbnails are this wide (the dashboard's grid and the widget's message bubbles). */
export const THUMBNAIL_WIDTH = 320;

const EXTENSIONS: Record<string, string> = {
  'image/webp': 'webp',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/avif': 'avif',
};

export const MIME_TYPES: Record<string, string> = Object.fromEntries(Object.entries(EXTENSIONS).map(([m, e]) => [e, m]));

/** 128 random bits: `<img>` tags cannot send a bearer token, so knowing the URL is the permission. */
const KEY = /^[0-9a-f]{32}\.(webp|png|jpg|gif|avif)$/;

export function newImageKey(mimeType: string): string {
  const extension = EXTENSIONS[mimeType];
  if (!extension) throw new Error(`No image key extension for ${mimeType}`);
  return `${randomBytes(16).toString('hex')}.${extension}`;
}

export function isImageKey(key: string): boolean {
  return KEY.test(key);
}
