import { type ChatModel, ModelError } from '../../ai/ChatModel.js';
import type { MessageRecord } from '../../data/messageRepository.js';
import { citeAnswer, snippetOf } from '../../knowledge/citations.js';
import type { ChatEvent } from './chatEvents.js';
import type { Grounding, ModelContext } from './modelContext.js';

const isAbort = (error: unknown) => (error as Error)?.name === 'AbortError';

/**
 * The model step, the one place the model is called: streams its text as `delta` events and returns the answer to
 * store, `complete`, `stopped` (the client went away) or `error` (with the provider's code). Never throws for model
 * failures. A check that may refuse the call (a budget) belongs right before `model.stream`.
 */
export async function* streamAnswer(input: {
  model: ChatModel;
  /** The site's daily budget: the model to call (it counts the call) and a notice for the visitor when over it. */
  budget?: (model: ChatModel) => Promise<{ model: ChatModel; notice: string | null }>;
  context: ModelContext;
  /** The passages the model was given, from which the answer's `[n]` markers become citations. */
  grounding: Grounding;
  question: MessageRecord;
  answerId: string;
  signal: AbortSignal;
  now: () => Date;
}): AsyncGenerator<ChatEvent, MessageRecord> {
  const { model, context, question, signal, now } = input;
  let text = '';
  let status: MessageRecord['status'] = 'complete';
  let errorCode: string | null = null;
  let usage: MessageRecord['usage'] = null;
  let answeredBy: string | null = context.model ?? null;
  let reported: number[] = [];
  try {
    const chosen = input.budget ? await input.budget(model) : { model, notice: null };
    if (chosen.notice) {
      text = chosen.notice;
      yield { event: 'delta', data: { text: chosen.notice } };
    }
    const stream = chosen.model.stream({ ...context, signal });
    while (true) {
      const next = await stream.next();
      if (next.done) {
        usage = next.value.usage;
        answeredBy = next.value.model;
        reported = next.value.cited ?? [];
        if (next.value.finishReason === 'safety' && !text) {
          status = 'error';
          errorCode = 'model_blocked';
        }
        break;
      }
      if (!next.value) continue;
      text += next.value;
      yield { event: 'delta', data: { text: next.value } };
    }
  } catch (error) {
    if (isAbort(error) || signal.aborted) {
      status = 'stopped';
      errorCode = 'client_disconnected';
    } else {
      status = 'error';
      errorCode = error instanceof ModelError ? error.code : 'model_error';
    }
  }
  const { passages } = input.grounding;
  const cited = citeAnswer(text, passages, reported);
  const at = now();
  return {
    id: input.answerId,
    tenantId: question.tenantId,
    siteId: question.siteId,
    conversationId: question.conversationId,
    role: 'assistant',
    text: cited.text,
    images: [],
    status,
    errorCode,
    clientMessageId: question.clientMessageId,
    model: answeredBy ?? model.name,
    usage,
    feedback: null,
    citations: cited.cited.map(({ passage }) => ({
      sourceId: passage.sourceId,
      title: passage.title,
      url: passage.url,
      page: passage.page,
      snippet: snippetOf(passage.text),
    })),
    grounded: cited.cited.length > 0,
    retrievalScore: passages[0]?.score ?? null,
    createdAt: at,
    updatedAt: at,
  };
}
