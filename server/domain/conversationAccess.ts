import type { ConversationRecord, ConversationRepository } from '../data/conversationRepository.js';
import type { StreamRecord } from '../data/messageRepository.js';
import { notFound } from '../lib/AppError.js';
import type { VisitorIdentity } from './visitorTokens.js';

/** A conversation of this visitor, or 404 (never 403: ids of others are not confirmed). */
export async function ownConversation(
  conversations: ConversationRepository,
  visitor: VisitorIdentity,
  id: string,
): Promise<ConversationRecord> {
  return visitorsOwn(visitor, await conversations.findById(id));
}

/** The rule of `ownConversation`, for a conversation the caller read itself (or its window's copy of it). */
export function visitorsOwn<C extends Owner>(visitor: VisitorIdentity, conversation: C | null | undefined): C {
  if (!conversation || !visitorOwns(visitor, conversation)) throw notFound('Conversation');
  return conversation;
}

/** The rule of `visitorsOwn` as a test: the visitor's tenant and the visitor themself. */
export const visitorOwns = (visitor: VisitorIdentity, conversation: Owner) =>
  conversation.tenantId === visitor.tenantId && conversation.visitorId === visitor.visitorId;

type Owner = Pick<ConversationRecord, 'tenantId' | 'siteId' | 'visitorId'>;

/**
 * Whether an in-flight entry is its conversation's owner's. A send inserts its entry before it knows (the window read
 * under the lock tells), so an entry of a send to someone else's conversation exists for a moment, or until recovery
 * removes it if its instance died: every reader of entries (history, replays, recovery) ignores such an entry. Entries
 * from before `visitorId` were inserted after the check.
 */
export const ownersEntry = (entry: Pick<StreamRecord, 'tenantId' | 'siteId' | 'visitorId'>, conversation: Owner) =>
  entry.tenantId === conversation.tenantId &&
  entry.siteId === conversation.siteId &&
  (entry.visitorId ?? conversation.visitorId) === conversation.visitorId;

/** A conversation of this tenant, or 404. */
export async function tenantConversation(
  conversations: ConversationRepository,
  tenantId: string,
  id: string,
): Promise<ConversationRecord> {
  const conversation = await conversations.findById(id);
  if (!conversation || conversation.tenantId !== tenantId) throw notFound('Conversation');
  return conversation;
}
