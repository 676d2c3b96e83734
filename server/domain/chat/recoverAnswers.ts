import type { ConversationRepository } from '../../data/conversationRepository.js';
import {
  type MessageRecord,
  type MessageRepository,
  messageIdFor,
  NO_CITATIONS,
  type StreamRecord,
} from '../../data/messageRepository.js';
import { ownersEntry } from '../conversationAccess.js';
import type { ConversationWindow } from '../conversationWindow.js';
import type { InFlightAnswers } from './inFlightAnswers.js';
import { recordTurn } from './recordTurn.js';

export interface RecoverAnswersDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  window: ConversationWindow;
  inFlight: InFlightAnswers;
  now: () => Date;
}

/**
 * Crash recovery: an in-flight answer whose lease expired (its instance died or lost the database) is stored as an
 * `error` answer with code `interrupted`, never lost, and joins its conversation's window. Any instance may recover
 * it; an answer whose owner still renews its lease is never touched.
 */
export function recoverAnswers(deps: RecoverAnswersDeps) {
  const { conversations, messages, window, inFlight, now } = deps;

  async function recoverStream(stream: StreamRecord): Promise<void> {
    const { id, conversationId } = stream;
    // An entry of a send to a conversation that is not its sender's (its instance died before the window said so), or
    // to a conversation erased since: removed, nothing of it stored.
    const owner = await conversations.findById(conversationId);
    if (!owner || !ownersEntry(stream, owner)) return messages.endExpiredStream(id, now());
    // A new send's question is in its entry until it goes in with its answer: stored now if it is not (a duplicate
    // key says it is).
    if (stream.question) await messages.insert(stream.question);
    const existing = await messages.findById(id);
    const inserted = existing
      ? null
      : await messages.insert({
          id,
          tenantId: stream.tenantId,
          siteId: stream.siteId,
          conversationId,
          role: 'assistant',
          text: '',
          images: [],
          status: 'error',
          errorCode: 'interrupted',
          clientMessageId: stream.clientMessageId,
          model: stream.model,
          usage: null,
          ...NO_CITATIONS,
          createdAt: now(),
        });
    await window.serialized(conversationId, async () => {
      const conversation = await conversations.findById(conversationId);
      if (!conversation) return;
      // The question joins the window with its answer (recordTurn): a new send's entry carries it, a retry's is in the
      // window. A window the process may have left behind the collection (it died between storing a message and writing the
      // window) is rebuilt from the collection.
      const questionId = messageIdFor(conversationId, stream.clientMessageId, 'user');
      const current = await window.read(conversation);
      const known = Boolean(stream.question) || Boolean(current?.some((m) => m.id === questionId));
      const recent = inserted && current && known ? undefined : { messages: await window.rebuild(conversation) };
      const [question, answer] = await Promise.all([
        stream.question ?? messages.findById(questionId),
        inserted ?? messages.findById(id),
      ]);
      // The interrupted answer counts as any answer (a retry later replaces it without counting again), and so does one
      // its dead instance stored but did not count; a retry's answer counted when it was first stored.
      if (!stream.retry && question && answer && !conversation.countedAnswers.includes(id))
        await recordTurn({ conversations, window }, { conversation, question, answer, retry: false }, recent);
      else await window.write(conversationId, recent ?? { messages: await window.rebuild(conversation) });
    });
    // Only the entry recovered: once it is gone, a retry may have started a live one for the same answer.
    await messages.endExpiredStream(id, now());
  }

  return {
    /** At start and periodically: every in-flight entry whose lease expired. Returns how many were recovered. */
    async expired(): Promise<number> {
      const abandoned = (await messages.allStreams()).filter((stream) => !inFlight.isLive(stream));
      for (const stream of abandoned) await recoverStream(stream);
      return abandoned.length;
    },

    /** Stores one in-flight answer as interrupted if its lease expired, and returns the answer as stored. */
    async one(answerId: string): Promise<MessageRecord | null> {
      const stream = await messages.findStream(answerId);
      if (stream && !inFlight.isLive(stream)) await recoverStream(stream);
      return messages.findById(answerId);
    },
  };
}
export type RecoverAnswers = ReturnType<typeof recoverAnswers>;
