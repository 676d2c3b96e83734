import {
  appendSearchText,
  type ConversationRepository,
  type SendConversation,
  type WindowWrite,
} from '../../data/conversationRepository.js';
import type { MessageRecord, NewMessage } from '../../data/messageRepository.js';
import type { ConversationWindow } from '../conversationWindow.js';

/**
 * How many counted answers a conversation remembers: more than a visitor can send (20 a minute) before the lease
 * recovery (within two leases) looks at an answer its dead instance stored.
 */
const COUNTED_ANSWERS_KEPT = 20;

/** What the messages collection holds for a message inserted (or replaced) with this record. */
export const asStored = (m: NewMessage): MessageRecord => ({ ...m, feedback: null, updatedAt: m.createdAt });

/**
 * The conversation after an answer was stored (inserted, recovered as interrupted, or replaced by a retry): counters,
 * the window of recent messages with the question and its answer (`recent` when the caller built it: rebuilt, or a
 * send's from the window it read under its lock), search text, thumbnail. A question counts with its answer, so every
 * stored answer, even an interrupted one, counts its pair once (an answer the conversation already counted, never
 * again); a retry counts nothing. Runs inside `window.serialized` (or a send's `window.hold`),
 * with the conversation read there (or its window's copy, read there too). The window is written with the copy of the
 * conversation as this write leaves it, so the next send reads no conversation; a crash between the two writes leaves
 * the lock abandoned, and its next holder marks the window stale, which removes the copy. Returns `false` when the
 * conversation is gone (erased while answering).
 */
export async function recordTurn(
  deps: { conversations: ConversationRepository; window: ConversationWindow },
  turn: {
    conversation: SendConversation;
    /** The conversation's search text when the caller read it with the conversation (one read instead of two). */
    searchText?: string;
    question: MessageRecord;
    answer: MessageRecord;
    retry: boolean;
  },
  recent?: WindowWrite,
): Promise<boolean> {
  const { conversation, question, answer, retry } = turn;
  const counted = retry || conversation.countedAnswers.includes(answer.id);
  // A new send's question joins the window with its answer (its in-flight entry carried it until now).
  const window = recent ?? (await deps.window.after(conversation, ...(retry ? [] : [question]), asStored(answer)));
  const text = appendSearchText(
    turn.searchText ?? (await deps.conversations.searchTextOf(conversation.id)),
    retry ? '' : question.text,
    answer.text,
  );
  const firstImage = question.images[0]?.id ?? null;
  const activity = {
    title: conversation.title || question.text.slice(0, 80) || 'Image',
    firstQuestion: conversation.firstQuestion || question.text.slice(0, 300),
    messageCount: conversation.messageCount + (counted ? 0 : 2),
    countedAnswers: counted
      ? conversation.countedAnswers
      : [...conversation.countedAnswers.filter((id) => id !== answer.id), answer.id].slice(-COUNTED_ANSWERS_KEPT),
    hasImages: conversation.hasImages || question.images.length > 0,
    thumbnailImageId: conversation.thumbnailImageId ?? firstImage,
  };
  await deps.window.write(conversation.id, window, { conversation: { ...conversation, ...activity }, searchText: text });
  // One update: the count and the answer it counted change together.
  return deps.conversations.recordActivity(conversation.id, { ...activity, searchText: text, lastMessageAt: answer.createdAt });
}
