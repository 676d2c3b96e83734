import { Types } from 'mongoose';
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
