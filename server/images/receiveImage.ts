import { type ImageStorage, type ImageUrls, newImageKey, type StoredImage } from './ImageStorage.js';
import { type NormalizedImage, type NormalizeImageOptions, normalizeImage } from './normalizeImage.js';
import type { UploadedFile } from './readUpload.js';

export interface ReceiveImageOptions {
  storage: ImageStorage;
  normalize?: NormalizeImageOptions;
  /** Labels for the stored file (ImageKit tags), e.g. `[siteId]`. */
  tags?: string[];
  /**
   * Last check before anything is stored, with the re-encoded image and the form's text fields: throw (e.g. a quota
   * or an unknown `conversationId`) and nothing is stored.
   */
  accept?: (image: NormalizedImage, fields: Record<string, string>) => Promise<void> | void;
}

export interface ReceivedImage {
  stored: StoredImage;
  urls: ImageUrls;
  mimeType: string;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  /** The form's text fields, e.g. `conversationId` (untrusted: validate them). */
  fields: Record<string, string>;
}

/** The upload path after the body was read (`readUpload`, with its size limit): normalise the image, check, store. */
export async function receiveImage(upload: UploadedFile, options: ReceiveImageOptions): Promise<ReceivedImage> {
  const image = await normalizeImage(upload.buffer, options.normalize);
  await options.accept?.(image, upload.fields);
  const stored = await options.storage.put({
    key: newImageKey(image.mimeType),
    data: image.data,
    mimeType: image.mimeType,
    tags: options.tags,
  });
  const { mimeType, width, height, bytes, sha256 } = image;
  return { stored, urls: options.storage.urls(stored), mimeType, width, height, bytes, sha256, fields: upload.fields };
}
