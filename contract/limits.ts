// Image limits: the one definition that the widget's pre-check, the message schema and the upload path all import.
// Plain constants with no zod, so the widget can bundle them.

/** The image types the API accepts; the server trusts only the type it sniffs from the bytes. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** The largest upload, in bytes (the server's default; a deployment may set it lower). */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

/** The largest source image, width × height, checked from its header before anything is decoded. */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** How many images one message may carry. */
export const MAX_IMAGES_PER_MESSAGE = 4;
