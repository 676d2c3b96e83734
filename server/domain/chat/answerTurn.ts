import type { ChatModel, ModelImage } from '../../ai/ChatModel.js';
import type { ConversationRepository, SendConversation } from '../../data/conversationRepository.js';
import type { AttachedImage, MessageRecord, MessageRepository } from '../../data/messageRepository.js';
import type { SiteRecord } from '../../data/siteRepository.js';
import type { Retriever } from '../../knowledge/retrieval/retriever.js';
import type { Hold } from '../conversationLock.js';
import { type ConversationWindow, windowAfter } from '../conversationWindow.js';
import type { ModelBudget } from '../modelBudget.js';
import type { ImageUrlsOf } from '../views.js';
import { type EmitWebhook, webhookData } from '../webhooks/webhookEvents.js';
import { type ChatEvent, finalEvent } from './chatEvents.js';
import { buildContext } from './modelContext.js';
import { asStored, recordTurn } from './recordTurn.js';
import { streamAnswer } from './streamAnswer.js';

export interface AnswerTurnDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  window: ConversationWindow;
  model: ChatModel;
  imageUrls: ImageUrlsOf;
  /** Reads a stored image and downsizes it for the model. */
  loadModelImage: (image: AttachedImage) => Promise<ModelImage>;
  /** The site's knowledge, searched for each question. */
  retriever: Retriever;
  /** The per-site daily cap on model calls. */
  budget?: ModelBudget;
  emit?: EmitWebhook;
  now: () => Date;
}

export interface Turn {
  site: SiteRecord;
  /** As read under the conversation's lock (or from its window's copy, read there). */
  conversation: SendConversation;
  /** The stored question being answered. */
  question: MessageRecord;
  /** The answer's id; its in-flight entry exists. */
  answerId: string;
  /** The conversation's window the context is built from. */
  window: MessageRecord[];
  /** A retry replaces the failed answer `answerId` in place (and leaves it out of the context). */
  retry: boolean;
  signal: AbortSignal;
  /**
   * A new send holds its conversation's lock from its start (`window.hold`, its in-flight entry the lock's companion),
   * so `conversation` (with its search text) and `window` were read under it and are still current when the answer is
   * stored: no read again. Absent for a retry, which takes the lock when it stores.
   */
  held?: {
    hold: Hold;
    searchText: string;
    window: MessageRecord[] | null;
    /** `false`: the question is only in the in-flight entry, and goes in with the answer (one insert). */
    questionStored: boolean;
  };
}

/** The final writes of an answer outlive a short database outage: a few tries, backing off. */
async function persistently<T>(task: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await task();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
}

/**
 * The answer step shared by a send and a retry, once the question is stored and echoed: build the context, call the
 * model, store the answer with the conversation's counters and window, end its in-flight entry, send the final event.
 */
export function answerTurn(deps: AnswerTurnDeps) {
  const { conversations, messages, window, imageUrls, now } = deps;

  /**
   * Stores the final answer and what follows from it, then ends the in-flight entry. Returns the answer as stored: if
   * this instance lost its lease (it could not renew it) and another recovered the answer as interrupted, that one
   * stays and nothing is recorded twice. When recording fails, the entry stays: its lease is no longer renewed, and
   * the recovery counts the stored answer once it expired (an entry ends only once its answer is counted).
   */
  async function store(turn: Turn, answer: MessageRecord): Promise<MessageRecord> {
    const { conversation, question, retry, held } = turn;
    if (held) return storeHeld(turn, held, answer);
    return window.serialized(conversation.id, async () => {
      const inserted = await persistently(async () => {
        if (!retry) return messages.insert(answer);
        await messages.replaceAnswer(answer);
        return answer;
      });
      if (!inserted) return (await messages.findById(answer.id)) ?? answer;
      await persistently(async () => {
        const fresh = await conversations.findWithSearchText(conversation.id);
        // Erased (or deleted) while answering: what this turn stored goes too.
        if (!fresh) await messages.deleteForConversation(conversation.tenantId, conversation.id);
        else await recordTurn({ conversations, window }, { ...fresh, question, answer, retry });
      });
      await persistently(() => messages.endStream(answer.id));
      return answer;
    });
  }

  /**
   * `store` for a send that holds its conversation's lock: the answer, then the window and counters from what was read
   * under the lock, then the lock and the in-flight entry removed in one command. When this fails, the caller's `fail`
   * leaves the lock expired (the window distrusted) and the entry to lease recovery, which counts the stored answer.
   */
  async function storeHeld(turn: Turn, held: NonNullable<Turn['held']>, answer: MessageRecord): Promise<MessageRecord> {
    const { conversation, question } = turn;
    // The question (unless stored) and the answer, issued together: one insert (`groupCommit`). A question found stored
    // already was stored by an earlier attempt; each insert that succeeded is not tried again.
    let questionIn = held.questionStored;
    let answerIn: MessageRecord | null | undefined;
    const inserted = await persistently(async () => {
      const outcomes = await Promise.allSettled([
        questionIn ? null : messages.insert(question).then(() => (questionIn = true)),
        answerIn !== undefined ? answerIn : messages.insert(answer).then((stored) => (answerIn = stored)),
      ]);
      const failed = outcomes.find((o) => o.status === 'rejected');
      if (failed) throw failed.reason;
      return answerIn ?? null;
    });
    if (!inserted) {
      // This instance lost its lease and another recovered the answer (and removed the entry, which may be a retry's now).
      await held.hold.release(true);
      return (await messages.findById(answer.id)) ?? answer;
    }
    await persistently(async () => {
      // Pushed onto the window read under the lock (a retry after its push landed writes it whole: `setRecentMessages`).
      const recent = held.window
        ? windowAfter(held.window, [question, asStored(answer)])
        : { messages: await window.rebuild(conversation) };
      const turnRecord = { conversation, searchText: held.searchText, question, answer, retry: false };
      if (await recordTurn({ conversations, window }, turnRecord, recent)) return;
      // Erased while answering: what this turn stored goes too.
      await messages.deleteForConversation(conversation.tenantId, conversation.id);
      await conversations.deleteWindow(conversation.id);
    });
    await persistently(() => held.hold.release());
    return answer;
  }

  return async function* answer(turn: Turn): AsyncGenerator<ChatEvent> {
    const { site, question, answerId, signal } = turn;
    const { context, grounding } = await buildContext({
      site,
      window: turn.window,
      question,
      without: turn.retry ? answerId : undefined,
      loadModelImage: deps.loadModelImage,
      retriever: deps.retriever,
    });
    const budget = deps.budget;
    const answer = yield* streamAnswer({
      model: deps.model,
      budget: budget && ((model) => budget.modelFor(site, model)),
      context,
      grounding,
      question,
      answerId,
      signal,
      now,
    });
    const stored = await store(turn, answer);
    // A new answer only (a retry replaces one already announced); queued, never delivered inline.
    if (!turn.retry && stored === answer)
      await deps.emit?.(stored.tenantId, 'message.created', () => webhookData.messageCreated(stored, imageUrls));
    yield finalEvent(stored, imageUrls);
  };
}
export type AnswerTurn = ReturnType<typeof answerTurn>;
