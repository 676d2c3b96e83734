import { Types } from 'mongoose';
import type { ImageRecord } from '../data/imageRepository.js';
import { type NewMessage, NO_CITATIONS } from '../data/messageRepository.js';

/** A message as a repository test stores it: a complete visitor message unless told otherwise. */
export const newMessage = (
  fields: Pick<NewMessage, 'tenantId' | 'siteId' | 'conversationId' | 'createdAt'> & Partial<NewMessage>,
): NewMessage => ({
  id: String(new Types.ObjectId()),
  role: 'user',
  text: 'a message',
  images: [],
  status: 'complete',
  errorCode: null,
  clientMessageId: String(new Types.ObjectId()),
  model: null,
  usage: null,
  ...NO_CITATIONS,
  ...fields,
});

/** A conversation as a repository test creates it: an anonymous visitor's, started at `now`. */
export const newConversation = (fields: { tenantId: string; siteId: string; now: Date }) => ({
  visitorId: String(new Types.ObjectId()),
  title: '',
  pageUrl: null,
  userAgent: null,
  locale: null,
  user: null,
  ...fields,
});

/** An image as a repository test stores it: a visitor's 1×1 PNG, unique by `key`. */
export const newImage = (
  fields: Pick<ImageRecord, 'tenantId' | 'siteId' | 'createdAt' | 'key'> & Partial<Omit<ImageRecord, 'id'>>,
): Omit<ImageRecord, 'id'> => ({
  visitorId: String(new Types.ObjectId()),
  conversationId: null,
  messageId: null,
  storage: 'local',
  providerFileId: null,
  url: `/images/${fields.key}`,
  mimeType: 'image/png',
  width: 1,
  height: 1,
  bytes: 1,
  sha256: fields.key,
  originalName: null,
  ...fields,
});
