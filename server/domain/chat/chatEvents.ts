import type { SendStreamEvents } from '../../../contract/messages.js';
import type { MessageRecord } from '../../data/messageRepository.js';
import { type ImageUrlsOf, toMessageView } from '../views.js';

/** One event of a send's or a retry's stream, as `http/chatStream` writes it. */
export type ChatEvent = { [K in keyof SendStreamEvents]: { event: K; data: SendStreamEvents[K] } }[keyof SendStreamEvents];

const MODEL_ERROR_MESSAGES: Record<string, string> = {
  model_rate_limited: 'The assistant is busy right now. Please try again in a moment.',
  model_unavailable: 'The assistant is unavailable right now. Please try again.',
  model_blocked: 'The assistant could not answer this message.',
  model_timeout: 'The assistant took too long to answer. Please try again.',
  model_bad_request: 'The assistant could not process this message.',
  model_error: 'The assistant failed to answer. Please try again.',
};

/** The stored question, echoed once it is stored. */
export const questionEvent = (question: MessageRecord, urls: ImageUrlsOf): ChatEvent => ({
  event: 'message',
  data: toMessageView(question, urls),
});

/** The event that ends a turn: `done` with the stored answer, or `error` with a safe message and the stored answer. */
export function finalEvent(answer: MessageRecord, urls: ImageUrlsOf): ChatEvent {
  const view = toMessageView(answer, urls);
  if (answer.status === 'complete') return { event: 'done', data: view };
  const code = answer.errorCode ?? 'model_error';
  const message =
    answer.status === 'stopped' ? 'The answer was stopped.' : (MODEL_ERROR_MESSAGES[code] ?? MODEL_ERROR_MESSAGES.model_error);
  return { event: 'error', data: { error: { code, message: message as string }, message: view } };
}
