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

/** The largest knowledge file (PDF, DOCX, HTML, Markdown, plain text), in bytes (413 beyond). */
export const MAX_KNOWLEDGE_FILE_BYTES = 20 * 1024 * 1024;

/** The file types a knowledge upload may be, as the server recognises them from the bytes. */
export const KNOWLEDGE_FILE_TYPES = [
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'text/html',
  'text/markdown',
  'text/plain',
] as const;
export type KnowledgeFileType = (typeof KNOWLEDGE_FILE_TYPES)[number];

/** Pages a `website` source crawls when it names no `maxPages`, and the most it may name. */
export const DEFAULT_WEBSITE_PAGES = 50;
export const MAX_WEBSITE_PAGES = 500;

/** The longest `text` source, in characters (JSON bodies are 64 KB at most anyway). */
export const MAX_TEXT_SOURCE_CHARS = 50_000;

/** Per-tenant knowledge limits by default (a deployment sets its own: KNOWLEDGE_MAX_SOURCES, …_PAGES, …_CHUNKS). */
export const DEFAULT_KNOWLEDGE_LIMITS = { sources: 100, pages: 5000, chunks: 50_000 } as const;
