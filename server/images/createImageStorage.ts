import { join } from 'node:path';
import type { Config } from '../config.js';
import type { ImageStorage } from './ImageStorage.js';
import { ImageKitImageStorage } from './imagekitImageStorage.js';
import { LocalImageStorage } from './localImageStorage.js';

export type ImageStorageConfig = Pick<
  Config,
  'dataDir' | 'PUBLIC_URL' | 'IMAGEKIT_PRIVATE_KEY' | 'IMAGEKIT_URL_ENDPOINT' | 'IMAGEKIT_BASE_URL'
>;

export interface CreateImageStorageOptions {
  /** Local storage: the origin put before `/images/<key>`. Default `config.PUBLIC_URL`, else relative URLs. */
  baseUrl?: string;
  /** ImageKit: private files with signed URLs. */
  privateDelivery?: boolean;
  /** ImageKit: the media-library folder. Default `chatwidget`. */
  folder?: string;
  /** ImageKit: SDK retries (0 in tests). */
  maxRetries?: number;
}

/** ImageKit when both IMAGEKIT_PRIVATE_KEY and IMAGEKIT_URL_ENDPOINT are set; otherwise files under DATA_DIR/images. */
export function createImageStorage(config: ImageStorageConfig, options: CreateImageStorageOptions = {}): ImageStorage {
  if (config.IMAGEKIT_PRIVATE_KEY && config.IMAGEKIT_URL_ENDPOINT)
    return new ImageKitImageStorage({
      privateKey: config.IMAGEKIT_PRIVATE_KEY,
      urlEndpoint: config.IMAGEKIT_URL_ENDPOINT,
      baseURL: config.IMAGEKIT_BASE_URL,
      folder: options.folder,
      privateDelivery: options.privateDelivery,
      maxRetries: options.maxRetries,
    });
  return new LocalImageStorage({ dir: join(config.dataDir, 'images'), baseUrl: options.baseUrl ?? config.PUBLIC_URL ?? '' });
}
