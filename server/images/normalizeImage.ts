import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata } from 'sharp';
import { type ImageType, MAX_IMAGE_PIXELS } from '../../contract/limits.js';
import type { ModelImage } from '../ai/ChatModel.js';
import { AppError } from '../lib/AppError.js';

/** Each accepted type (sniffed from the bytes) → the libvips loader that must agree with it. */
const LOADERS: Record<ImageType, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'heif',
};

export interface NormalizeImageOptions {
  /** Largest accepted width × height of the source (checked from the header before decoding). Default `MAX_IMAGE_PIXELS`. */
  maxPixels?: number;
  /** The stored image's long side is scaled down to this. Default 2048. */
  maxSide?: number;
  /** WebP quality. Default 82. */
  quality?: number;
}

export interface NormalizedImage {
  data: Buffer;
  mimeType: 'image/webp';
  width: number;
  height: number;
  bytes: number;
  /** Hex SHA-256 of `data`. */
  sha256: string;
}

export const DEFAULT_MAX_SIDE = 2048;

const unsupported = (message = 'Only JPEG, PNG, WebP, GIF and AVIF images are accepted') =>
  new AppError(415, 'unsupported_image_type', message);
const corrupt = (cause?: unknown) => new AppError(422, 'corrupt_image', 'The image is truncated or corrupt', { cause });
const tooLarge = (maxPixels: number) =>
  new AppError(422, 'image_too_large', `The image has more than ${Math.round(maxPixels / 1_000_000)} megapixels`);

/**
 * Turns untrusted bytes into a safe stored image: the type comes from the bytes (never the name or the declared type),
 * the pixel count is checked from the header before anything is decoded, then the first frame is decoded, rotated
 * upright from its EXIF orientation, scaled to fit `maxSide` and re-encoded as WebP with no metadata at all
 * (EXIF/GPS, XMP, IPTC, ICC). Re-encoding also drops whatever a polyglot carried after the image data.
 */
export async function normalizeImage(input: Buffer, options: NormalizeImageOptions = {}): Promise<NormalizedImage> {
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  const maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;

  const sniffed = await fileTypeFromBuffer(input);
  const loader = sniffed && (LOADERS as Record<string, string>)[sniffed.mime];
  if (!loader) throw unsupported();

  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw corrupt(error);
  }
  // libvips picks its loader from the bytes too; both must agree, so a polyglot cannot be read as something else.
  if (metadata.format !== loader) throw unsupported();
  const { width, height } = metadata;
  if (!width || !height) throw corrupt();
  if (width * height > maxPixels) throw tooLarge(maxPixels);

  try {
    const { data, info } = await sharp(input, { pages: 1, limitInputPixels: maxPixels, failOn: 'warning', autoOrient: true })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .webp({ quality: options.quality ?? 82, effort: 4 })
      .toBuffer({ resolveWithObject: true });
    return {
      data,
      mimeType: 'image/webp',
      width: info.width,
      height: info.height,
      bytes: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/pixel limit/i.test(message)) throw tooLarge(maxPixels);
    // An HEIF container the library cannot decode (HEVC needs a decoder prebuilt sharp lacks) is a type we do not support.
    if (loader === 'heif' && metadata.compression !== 'av1') throw unsupported('HEIC images are not supported; send JPEG or PNG');
    throw corrupt(error);
  }
}

/** Downsizes a stored image for the AI provider: JPEG (accepted everywhere), long side <= `maxSide`, alpha on white. */
export async function toModelImage(data: Buffer, options: { maxSide?: number; quality?: number } = {}): Promise<ModelImage> {
  const maxSide = options.maxSide ?? 1024;
  const { data: jpeg, info } = await sharp(data, { pages: 1, autoOrient: true })
    .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: options.quality ?? 80, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { mimeType: 'image/jpeg', data: jpeg, width: info.width, height: info.height };
}
