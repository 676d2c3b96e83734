// The images module's public API: upload parsing, normalisation, storage backends and the local file routes.
export { type CreateImageStorageOptions, createImageStorage, type ImageStorageConfig } from './createImageStorage.js';
export {
  type ImageStorage,
  type ImageStorageName,
  type ImageUrls,
  isImageKey,
  newImageKey,
  type StoredImage,
  THUMBNAIL_WIDTH,
} from './ImageStorage.js';
export { ImageKitImageStorage, type ImageKitImageStorageOptions } from './imagekitImageStorage.js';
export { localImageRoutes } from './localImageRoutes.js';
export { LocalImageStorage, type LocalImageStorageOptions, VARIANT_WIDTHS } from './localImageStorage.js';
export {
  DEFAULT_MAX_SIDE,
  type NormalizedImage,
  type NormalizeImageOptions,
  normalizeImage,
  toModelImage,
} from './normalizeImage.js';
export { type ReadUploadOptions, readUpload, type UploadedFile } from './readUpload.js';
export { type ReceivedImage, type ReceiveImageOptions, receiveImage } from './receiveImage.js';
