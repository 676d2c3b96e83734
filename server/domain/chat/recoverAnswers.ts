import type { ConversationRepository } from '../../data/conversationRepository.js';
import { type MessageRecord, type MessageRepository, messageIdFor, type StreamRecord } from '../../data/messageRepository.js';
import type { ConversationWindow } from '../conversationWindow.js';

export interface RecoverAnswersDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  window: ConversationWindow;
  now: () => Date;
}

/**
 * Crash recovery: an in-flight answer whose stream died is stored as an `error` answer with code `interrupted`, never
 * lost, and joins its conversation's window.
 */
export function recoverAnswers(deps: RecoverAnswersDeps) {
  const { conversations, messages, window, now } = deps;

  async function recoverStream(stream: StreamRecord): Promise<void> {
    const { id, conversationId } = stream;
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
          createdAt: now(),
        });
    await window.serialized(conversationId, async () => {
      const conversation = await conversations.findById(conversationId);
      if (!conversation) return;
      // A window the process may have left behind the collection (it died between storing a message and writing the
      // window) is rebuilt from the collection.
      const questionId = messageIdFor(conversationId, stream.clientMessageId, 'user');
      const current = await window.read(conversation);
      const recent =
        inserted && current?.some((m) => m.id === questionId)
          ? await window.after(conversation, inserted)
          : await window.rebuild(conversation);
      await window.write(conversationId, recent);
    });
    await messages.endStream(id);
  }

  return {
    /** At start: every in-flight entry was left by a process that died. Returns how many were recovered. */
    async all(): Promise<number> {
      const abandoned = await messages.abandonedStreams();
      for (const stream of abandoned) await recoverStream(stream);
      return abandoned.length;
    },

    /** Stores one abandoned in-flight answer as interrupted and returns the answer as stored. */
    async one(answerId: string): Promise<MessageRecord | null> {
      const stream = await messages.findStream(answerId);
      if (stream) await recoverStream(stream);
      return messages.findById(answerId);
    },
  };
}
export type RecoverAnswers = ReturnType<typeof recoverAnswers>;
