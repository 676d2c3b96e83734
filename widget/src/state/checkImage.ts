import { IMAGE_TYPES, type ImageType, MAX_IMAGE_BYTES, MAX_IMAGES_PER_MESSAGE } from '../../../contract/limits.js';

/** The client-side checks before an upload (the server checks the real bytes again); returns a string key or null. */
export function checkImage(file: Blob, alreadyAttached: number): 'imageType' | 'imageSize' | 'imageCount' | null {
  if (alreadyAttached >= MAX_IMAGES_PER_MESSAGE) return 'imageCount';
  if (!IMAGE_TYPES.includes(file.type as ImageType)) return 'imageType';
  if (file.size > MAX_IMAGE_BYTES) return 'imageSize';
  return null;
}
