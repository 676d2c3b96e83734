import ImageKit, { NotFoundError, toFile } from '@imagekit/nodejs';
import { AppError, notFound } from '../lib/AppError.js';
import { type ImageStorage, type ImageUrls, type StoredImage, THUMBNAIL_WIDTH } from './ImageStorage.js';

export interface ImageKitImageStorageOptions {
  privateKey: string;
  /** The delivery endpoint, e.g. `https://ik.imagekit.io/your_id`. */
  urlEndpoint: string;
  /** Overrides the API base for uploads and management calls (tests, proxies). */
  baseURL?: string;
  /** The media-library folder for uploads. Default `chatwidget`. */
  folder?: string;
  /** Upload files as private and hand out signed URLs valid for at least `urlTtlSeconds`. */
  privateDelivery?: boolean;
  /** Signed URL lifetime: a URL stays the same for one window, then a new one is issued. Default 3600. */
  urlTtlSeconds?: number;
  /** SDK retries of 408/409/429/5xx. Default 2 (the SDK's); 0 in tests. */
  maxRetries?: number;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
}

const storageDown = (cause: unknown) =>
  new AppError(503, 'image_storage_unavailable', 'Image storage is unavailable; try again shortly', {
    cause,
    retryAfterSeconds: 5,
  });

/** Images in ImageKit: uploaded through the official SDK, delivered and resized by ImageKit's URL transformations. */
export class ImageKitImageStorage implements ImageStorage {
  readonly name = 'imagekit';
  readonly client: ImageKit;
  readonly #urlEndpoint: string;
  readonly #folder: string;
  readonly #privateDelivery: boolean;
  readonly #ttl: number;
  readonly #timeoutMs: number;

  constructor(options: ImageKitImageStorageOptions) {
    this.client = new ImageKit({
      privateKey: options.privateKey,
      baseURL: options.baseURL,
      maxRetries: options.maxRetries,
      timeout: options.timeoutMs ?? 30_000,
    });
    this.#urlEndpoint = options.urlEndpoint.replace(/\/+$/, '');
    this.#folder = (options.folder ?? 'chatwidget').replace(/^\/+|\/+$/g, '');
    this.#privateDelivery = options.privateDelivery ?? false;
    this.#ttl = options.urlTtlSeconds ?? 3600;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async put({ key, data, mimeType, tags }: { key: string; data: Buffer; mimeType: string; tags?: string[] }) {
    let result: Awaited<ReturnType<ImageKit['files']['upload']>>;
    try {
      result = await this.client.files.upload({
        file: await toFile(data, key, { type: mimeType }),
        fileName: key,
        folder: `/${this.#folder}`,
        // Our keys are already random; a unique-name suffix would only make the path unpredictable to us.
        useUniqueFileName: false,
        isPrivateFile: this.#privateDelivery,
        ...(tags?.length ? { tags } : {}),
      });
    } catch (error) {
      throw storageDown(error);
    }
    if (!result.fileId || !result.filePath) throw storageDown(new Error('ImageKit answered without fileId or filePath'));
    const path = result.filePath.replace(/^\/+/, '');
    // The unsigned URL under our endpoint: what is kept must not expire (urls() signs on the way out).
    const url = this.client.helper.buildSrc({ urlEndpoint: this.#urlEndpoint, src: `/${path}` });
    return { storage: 'imagekit', key: path, url, providerFileId: result.fileId } satisfies StoredImage;
  }

  urls(stored: StoredImage): ImageUrls {
    return {
      url: this.#src(stored.key, []),
      thumbnailUrl: this.#src(stored.key, [{ width: THUMBNAIL_WIDTH, format: 'auto', quality: 80 }]),
    };
  }

  /** Downloads the original through the delivery URL (signed when delivery is private). */
  async read(stored: StoredImage): Promise<Buffer> {
    let response: Response;
    try {
      response = await fetch(this.urls(stored).url, { signal: AbortSignal.timeout(this.#timeoutMs) });
      if (response.ok) return Buffer.from(await response.arrayBuffer());
      await response.body?.cancel();
    } catch (error) {
      throw storageDown(error);
    }
    if (response.status === 404) throw notFound('Image');
    throw storageDown(new Error(`ImageKit delivery answered ${response.status}`));
  }

  async delete(stored: StoredImage): Promise<void> {
    if (!stored.providerFileId) return;
    try {
      await this.client.files.delete(stored.providerFileId);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw storageDown(error);
    }
  }

  #src(key: string, transformation: { width?: number; format?: 'auto'; quality?: number }[]) {
    const options = { urlEndpoint: this.#urlEndpoint, src: `/${key}`, transformation };
    if (!this.#privateDelivery) return this.client.helper.buildSrc(options);
    // Expire at the end of the next window rather than `now + ttl`, so a URL stays the same (and cacheable) for a while.
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = (Math.floor(now / this.#ttl) + 2) * this.#ttl;
    return this.client.helper.buildSrc({ ...options, signed: true, expiresIn: expiresAt - now });
  }
}
