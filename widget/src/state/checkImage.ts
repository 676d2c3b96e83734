export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_IMAGES = 4;

/** The client-side checks before an upload (the server checks the real bytes again); returns a string key or null. */
export function checkImage(file: Blob, alreadyAttached: number): 'imageType' | 'imageSize' | 'imageCount' | null {
  if (alreadyAttached >= MAX_IMAGES) return 'imageCount';
  if (!IMAGE_TYPES.includes(file.type)) return 'imageType';
  if (file.size > MAX_IMAGE_BYTES) return 'imageSize';
  return null;
}
