import type { AdminConversation } from '../../contract/admin.js';
import type { Lead } from '../../contract/leads.js';
import type { ImageRef, Message } from '../../contract/messages.js';
import type { Conversation } from '../../contract/widget.js';
import type { ConversationRecord } from '../data/conversationRepository.js';
import type { AttachedImage, MessageRecord } from '../data/messageRepository.js';
import type { LeadRecord } from '../data/visitorRepository.js';
import type { ImageUrls, StoredImage } from '../images/ImageStorage.js';

/** Turns a stored image into its public URLs (local files or ImageKit), chosen in `main`. */
export type ImageUrlsOf = (image: Pick<StoredImage, 'storage' | 'key' | 'url'>) => ImageUrls;

export const toImageRef = (image: AttachedImage, urls: ImageUrlsOf): ImageRef => ({
  id: image.id,
  ...urls(image),
  width: image.width,
  height: image.height,
  mimeType: image.mimeType,
});

export const toMessageView = (message: MessageRecord, urls: ImageUrlsOf): Message => ({
  id: message.id,
  conversationId: message.conversationId,
  role: message.role,
  author: message.author ?? null,
  text: message.text,
  status: message.status,
  errorCode: message.errorCode,
  clientMessageId: message.clientMessageId,
  images: message.images.map((image) => toImageRef(image, urls)),
  feedback: message.feedback,
  model: message.model,
  usage: message.usage,
  citations: message.citations,
  grounded: message.grounded,
  createdAt: message.createdAt.toISOString(),
  updatedAt: message.updatedAt.toISOString(),
});

export const toLeadView = (lead: LeadRecord): Lead => ({
  name: lead.name,
  email: lead.email,
  capturedAt: lead.capturedAt.toISOString(),
  updatedAt: lead.updatedAt.toISOString(),
});

export const toConversationView = (c: ConversationRecord): Conversation => ({
  id: c.id,
  siteId: c.siteId,
  title: c.title,
  messageCount: c.messageCount,
  hasImages: c.hasImages,
  mode: c.mode,
  lastMessageAt: c.lastMessageAt.toISOString(),
  createdAt: c.createdAt.toISOString(),
});

export const toAdminConversationView = (c: ConversationRecord, thumbnailUrl: string | null): AdminConversation => ({
  ...toConversationView(c),
  visitorId: c.visitorId,
  firstQuestion: c.firstQuestion,
  thumbnailUrl,
  ratingUp: c.ratingUp,
  ratingDown: c.ratingDown,
  pageUrl: c.pageUrl,
  userAgent: c.userAgent,
  locale: c.locale,
  user: c.user,
  assignee: c.assignee,
  waitingSince: c.waitingSince?.toISOString() ?? null,
  unread: c.unread,
  email: c.email ?? c.user?.email ?? null,
  lead: c.lead && toLeadView(c.lead),
});
