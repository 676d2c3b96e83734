import type { ConversationRepository } from '../../data/conversationRepository.js';
import { type MessageRepository, messageIdFor } from '../../data/messageRepository.js';
import type { SiteRecord } from '../../data/siteRepository.js';
import { AppError, conflict, notFound } from '../../lib/AppError.js';
import { ownConversation } from '../conversationAccess.js';
import type { ConversationWindow } from '../conversationWindow.js';
import type { ImageUrlsOf } from '../views.js';
import type { VisitorIdentity } from '../visitorTokens.js';
import type { AnswerTurn, Turn } from './answerTurn.js';
import { type ChatEvent, questionEvent } from './chatEvents.js';
import type { InFlightAnswers } from './inFlightAnswers.js';
import type { RecoverAnswers } from './recoverAnswers.js';

export interface RetryAnswerDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  window: ConversationWindow;
  imageUrls: ImageUrlsOf;
  answer: AnswerTurn;
  inFlight: InFlightAnswers;
  recover: RecoverAnswers;
  now: () => Date;
}

/** The retry use case: answers again a question whose answer failed or was stopped, replacing it in place. */
export function retryAnswer(deps: RetryAnswerDeps) {
  const { conversations, messages, window, imageUrls, inFlight } = deps;

  /** The rest of a retry, once its in-flight entry exists. */
  async function* answerAgain(turn: Omit<Turn, 'window' | 'retry'>): AsyncGenerator<ChatEvent> {
    yield questionEvent(turn.question, imageUrls);
    // The context before the question, without the failed answer (the question is sent as the new turn).
    const recent = await window.readOrRebuild(turn.conversation);
    yield* deps.answer({ ...turn, window: recent, retry: true });
  }

  return async function* retry(
    visitor: VisitorIdentity,
    site: SiteRecord,
    answerMessageId: string,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const previous = await messages.findById(answerMessageId);
    if (!previous || previous.tenantId !== visitor.tenantId || previous.role !== 'assistant') throw notFound('Message');
    const conversation = await ownConversation(conversations, visitor, previous.conversationId);
    if (previous.status !== 'error' && previous.status !== 'stopped')
      throw new AppError(409, 'not_retryable', 'Only failed or stopped answers can be retried');
    const question = previous.clientMessageId
      ? await messages.findById(messageIdFor(conversation.id, previous.clientMessageId, 'user'))
      : null;
    if (!question) throw notFound('Message');
    if (site.id !== visitor.siteId || site.tenantId !== visitor.tenantId) throw notFound('Site');
    const entry = {
      id: previous.id,
      tenantId: visitor.tenantId,
      siteId: visitor.siteId,
      visitorId: visitor.visitorId,
      conversationId: conversation.id,
      clientMessageId: question.clientMessageId ?? '',
      model: site.model,
      retry: true,
    };
    // An entry whose lease expired was left by a failure: recovered first (its answer may be stored and not yet
    // counted; an entry ends only once its answer is counted), then this retry's starts. A live one is another retry's.
    let started = await inFlight.start(entry);
    if (!started) {
      await deps.recover.one(previous.id);
      started = await inFlight.start(entry);
    }
    if (!started) throw conflict('This answer is already being retried');
    yield* inFlight.own(previous.id, signal, (signal) =>
      answerAgain({ site, conversation, question, answerId: previous.id, signal }),
    );
  };
}
