import { z } from 'zod';
import { Id, MessageStatus, Rating, Timestamp } from './common.js';
import { Agent, type DeliveredEvent } from './handoff.js';
import { MAX_IMAGES_PER_MESSAGE } from './limits.js';

export const ImageRef = z.object({
  id: Id,
  url: z.string(),
  thumbnailUrl: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  mimeType: z.string(),
});
export type ImageRef = z.infer<typeof ImageRef>;

/** The text fields of an image upload (multipart, beside the file in field `file`). */
export const ImageUploadFields = z.object({ conversationId: Id.optional() });
export type ImageUploadFields = z.infer<typeof ImageUploadFields>;

/** A passage of the site's knowledge an answer is drawn from; `[n]` in the answer's text is its n-th citation. */
export const Citation = z.object({
  /** The source's id (`faq` for the site's FAQ entries). */
  sourceId: z.string(),
  title: z.string(),
  /** Where the passage is read (a web page); null for files and text snippets. Shown through `safeUrl` only. */
  url: z.string().nullable(),
  /** The page of a document (PDF), from 1. */
  page: z.number().int().nullable(),
  /** The beginning of the passage. */
  snippet: z.string(),
});
export type Citation = z.infer<typeof Citation>;

export const Message = z.object({
  id: Id,
  conversationId: Id,
  role: z.enum(['user', 'assistant', 'agent']),
  /** The agent who wrote an `agent` message; null on the others. */
  author: Agent.nullable(),
  text: z.string(),
  status: MessageStatus,
  /** Why an answer is `error` or `stopped` (e.g. `model_rate_limited`, `model_blocked`). */
  errorCode: z.string().nullable(),
  clientMessageId: z.string().nullable(),
  images: z.array(ImageRef),
  feedback: Rating.nullable(),
  model: z.string().nullable(),
  usage: z.object({ inputTokens: z.number().int(), outputTokens: z.number().int() }).nullable(),
  /** The passages an answer cites, in the order of their markers `[1]`, `[2]`… (empty for questions). */
  citations: z.array(Citation),
  /** An answer drawn from the site's knowledge (it cites at least one passage); false for questions. */
  grounded: z.boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Message = z.infer<typeof Message>;

export const SendMessage = z
  .strictObject({
    text: z.string().max(8000).default(''),
    imageIds: z.array(Id).max(MAX_IMAGES_PER_MESSAGE).default([]),
    clientMessageId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
  })
  .refine((body) => body.text.trim().length > 0 || body.imageIds.length > 0, {
    message: 'a message needs text or at least one image',
    path: ['text'],
  })
  // The refinement above, said in JSON Schema so that the document refuses what the server refuses.
  .meta({
    description: 'Needs text that is not blank or at least one image. The stored text is trimmed.',
    anyOf: [
      { required: ['text'], properties: { text: { pattern: '\\S' } } },
      { required: ['imageIds'], properties: { imageIds: { minItems: 1 } } },
    ],
  });
export type SendMessage = z.input<typeof SendMessage>;

export const Feedback = z.strictObject({ rating: Rating.nullable() });
export type Feedback = z.infer<typeof Feedback>;

/**
 * The events of the send stream (`text/event-stream`), in order: message, delta*, done | error; or, while a person is
 * involved (or when the message asks for one), message then delivered, with no model call.
 */
export interface SendStreamEvents {
  /** The stored user message. */
  message: Message;
  delta: { text: string };
  /** The stored final assistant message (`complete`). */
  done: Message;
  /** The error shape, with the stored assistant message when one was created. */
  error: { error: { code: string; message: string }; message?: Message };
  /** Instead of `done` when no assistant answer follows: the question went to the agents. */
  delivered: DeliveredEvent;
}
