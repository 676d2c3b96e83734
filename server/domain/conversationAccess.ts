import type { ConversationRecord, ConversationRepository } from '../data/conversationRepository.js';
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

/** The rule of `ownConversation`, for a conversation the caller read itself (with more than the record). */
export function visitorsOwn(visitor: VisitorIdentity, conversation: ConversationRecord | null | undefined): ConversationRecord {
  if (!conversation || conversation.tenantId !== visitor.tenantId || conversation.visitorId !== visitor.visitorId)
    throw notFound('Conversation');
  return conversation;
}

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
