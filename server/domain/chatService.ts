import type { Message, SendStreamEvents } from '../../contract/messages.js';
import type { ChatModel, ModelImage, ModelTurn } from '../ai/ChatModel.js';
import { ModelError } from '../ai/ChatModel.js';
import type { ConversationRecord, ConversationRepository } from '../data/conversationRepository.js';
import { type ImageRecord, type ImageRepository, toAttachedImage } from '../data/imageRepository.js';
import { type AttachedImage, type MessageRecord, type MessageRepository, messageIdFor } from '../data/messageRepository.js';
import type { StreamDoc } from '../db/models/stream.js';
import { AppError, badRequest, conflict, notFound } from '../lib/AppError.js';
import type { ConversationService } from './conversationService.js';
import type { SiteService } from './siteService.js';
import { type ImageUrlsOf, toMessageView } from './views.js';
import type { VisitorIdentity } from './visitorTokens.js';

export type ChatEvent = { [K in keyof SendStreamEvents]: { event: K; data: SendStreamEvents[K] } }[keyof SendStreamEvents];

/** How many messages of the conversation's window the model gets (question/answer pairs). */
const CONTEXT_TURNS = 12;
const TURN_TEXT_LIMIT = 4000;
const SEARCH_TEXT_LIMIT = 20_000;

const MODEL_ERROR_MESSAGES: Record<string, string> = {
  model_rate_limited: 'The assistant is busy right now. Please try again in a moment.',
  model_unavailable: 'The assistant is unavailable right now. Please try again.',
  model_blocked: 'The assistant could not answer this message.',
  model_timeout: 'The assistant took too long to answer. Please try again.',
  model_bad_request: 'The assistant could not process this message.',
  model_error: 'The assistant failed to answer. Please try again.',
};

export interface ChatServiceDeps {
  sites: SiteService;
  conversations: ConversationRepository;
  conversationService: ConversationService;
  messages: MessageRepository;
  images: ImageRepository;
  model: ChatModel;
  imageUrls: ImageUrlsOf;
  /** Reads a stored image and downsizes it for the model. */
  loadModelImage: (image: AttachedImage) => Promise<ModelImage>;
  now?: () => Date;
}

const isAbort = (error: unknown) => (error as Error)?.name === 'AbortError';

const storedBefore = (a: MessageRecord, b: MessageRecord) =>
  a.createdAt.getTime() < b.createdAt.getTime() || (a.createdAt.getTime() === b.createdAt.getTime() && a.id < b.id);

/**
 * The model's context, from the conversation's window: the questions stored before `question` that have an answer,
 * each followed by its answer (an answer is matched by its question's clientMessageId, so a retried answer, stored
 * later, stays beside its question). `without` is an answer being retried, left out.
 */
export function contextFor(window: MessageRecord[], question: MessageRecord, without?: string): ModelTurn[] {
  const answers = new Map<string, MessageRecord>();
  for (const m of window)
    if (m.role === 'assistant' && m.clientMessageId !== null && m.id !== without) answers.set(m.clientMessageId, m);
  const turns: ModelTurn[] = [];
  for (const m of window) {
    const answered = m.role === 'user' && m.clientMessageId !== null ? answers.get(m.clientMessageId) : undefined;
    if (!answered || !storedBefore(m, question)) continue;
    turns.push(
      { role: 'user', text: m.text.slice(0, TURN_TEXT_LIMIT) },
      { role: 'assistant', text: answered.text.slice(0, TURN_TEXT_LIMIT) },
    );
  }
  return turns.slice(-CONTEXT_TURNS);
}

/** What the messages collection holds for a message inserted (or replaced) with this record. */
const asStored = (m: MessageRecord): MessageRecord => ({ ...m, feedback: null, updatedAt: m.createdAt });

function systemInstruction(site: { name: string; persona: string; faq: { question: string; answer: string }[] }) {
  const parts = [
    `You are the assistant of the website "${site.name}", chatting with a visitor in a small chat widget.`,
    'Answer concisely in the language of the visitor. Use Markdown only for lists, emphasis, code and links.',
  ];
  if (site.persona.trim()) parts.push(site.persona.trim());
  if (site.faq.length) {
    parts.push('Facts from the site owner (prefer them when relevant):');
    for (const entry of site.faq.slice(0, 100)) parts.push(`Q: ${entry.question}\nA: ${entry.answer}`);
  }
  return parts.join('\n\n');
}

export function chatService(deps: ChatServiceDeps) {
  const { conversations, messages, images, model, imageUrls } = deps;
  const { serialized, windowAfter, rebuiltWindow, trustedWindow } = deps.conversationService;
  const now = deps.now ?? (() => new Date());
  const view = (m: MessageRecord): Message => toMessageView(m, imageUrls);

  /** Puts a message just stored in the collection into the conversation's window. */
  const addToWindow = (conversation: ConversationRecord, message: MessageRecord) =>
    serialized(conversation.id, async () => {
      const window = await windowAfter(conversation, message);
      await conversations.setRecentMessages(conversation.id, window);
      return window;
    });

  async function checkImages(visitor: VisitorIdentity, imageIds: string[]): Promise<ImageRecord[]> {
    const unique = [...new Set(imageIds)];
    const found = await Promise.all(unique.map((id) => images.findById(id)));
    return found.map((image, index) => {
      if (
        !image ||
        image.tenantId !== visitor.tenantId ||
        image.visitorId !== visitor.visitorId ||
        image.siteId !== visitor.siteId
      )
        throw new AppError(404, 'image_not_found', `Image ${unique[index]} not found`);
      if (image.messageId) throw badRequest(`Image ${unique[index]} is already attached to a message`);
      return image;
    });
  }

  /** Streams the model's answer and stores its final state; never throws for model failures. */
  async function* answer(input: {
    site: NonNullable<Awaited<ReturnType<SiteService['byId']>>>;
    history: ModelTurn[];
    question: MessageRecord;
    answerId: string;
    signal: AbortSignal;
  }): AsyncGenerator<ChatEvent, MessageRecord> {
    const { site, history, question, answerId, signal } = input;
    const modelImages = await Promise.all(question.images.map((image) => deps.loadModelImage(image)));
    let text = '';
    let status: MessageRecord['status'] = 'complete';
    let errorCode: string | null = null;
    let usage: MessageRecord['usage'] = null;
    let answeredBy: string | null = site.model ?? null;
    try {
      const stream = model.stream({
        system: systemInstruction(site),
        history,
        turn: { role: 'user', text: question.text, images: modelImages },
        model: site.model,
        temperature: site.temperature,
        knowledge: site.faq,
        knowledgeKey: `${site.id}:${site.updatedAt}`,
        signal,
      });
      while (true) {
        const next = await stream.next();
        if (next.done) {
          usage = next.value.usage;
          answeredBy = next.value.model;
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
    return {
      id: answerId,
      tenantId: question.tenantId,
      siteId: question.siteId,
      conversationId: question.conversationId,
      role: 'assistant',
      text,
      images: [],
      status,
      errorCode,
      clientMessageId: question.clientMessageId,
      model: answeredBy ?? model.name,
      usage,
      feedback: null,
      createdAt: now(),
      updatedAt: now(),
    };
  }

  function finalEvent(answerMessage: MessageRecord): ChatEvent {
    if (answerMessage.status === 'complete') return { event: 'done', data: view(answerMessage) };
    const code = answerMessage.errorCode ?? 'model_error';
    const message =
      answerMessage.status === 'stopped'
        ? 'The answer was stopped.'
        : (MODEL_ERROR_MESSAGES[code] ?? MODEL_ERROR_MESSAGES.model_error);
    return { event: 'error', data: { error: { code, message: message as string }, message: view(answerMessage) } };
  }

  /**
   * The conversation after an answer was stored (inserted, or replaced by a retry): counters, the window of recent
   * messages, search text, thumbnail. Runs inside `serialized`, with the conversation read there.
   */
  async function recordTurn(
    conversation: ConversationRecord,
    question: MessageRecord,
    answerMessage: MessageRecord,
    retry: boolean,
  ): Promise<void> {
    const window = await windowAfter(conversation, asStored(answerMessage));
    const searchText = (await conversations.searchTextOf(conversation.id)).concat(
      '\n',
      retry ? '' : question.text.toLowerCase(),
      '\n',
      answerMessage.text.toLowerCase(),
    );
    const firstImage = question.images[0]?.id ?? null;
    await conversations.setRecentMessages(conversation.id, window);
    await conversations.recordActivity(conversation.id, {
      title: conversation.title || question.text.slice(0, 80) || 'Image',
      firstQuestion: conversation.firstQuestion || question.text.slice(0, 300),
      messageCount: conversation.messageCount + (retry ? 0 : 2),
      hasImages: conversation.hasImages || question.images.length > 0,
      thumbnailImageId: conversation.thumbnailImageId ?? firstImage,
      searchText: searchText.slice(-SEARCH_TEXT_LIMIT),
      lastMessageAt: answerMessage.createdAt,
    });
  }

  // Answers streaming in this process. An in-flight entry no live stream owns was left by a failure
  // (the database went away before the answer was stored, or the process died): it is recovered on
  // demand, so the visitor never meets a permanent 409. This assumes one server process, as the
  // per-conversation queue does.
  const active = new Set<string>();

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

  /** Stores an abandoned in-flight answer as interrupted (see `recoverInterrupted`) and returns it. */
  async function recoverAbandoned(answerId: string): Promise<MessageRecord | null> {
    const stream = await messages.findStream(answerId);
    if (stream) await recoverStream(stream);
    return messages.findById(answerId);
  }

  /** Replays what is stored for an earlier attempt with the same clientMessageId. */
  async function* replay(question: MessageRecord, answerId: string): AsyncGenerator<ChatEvent> {
    let stored = await messages.findById(answerId);
    if (!stored && (await messages.isStreaming(answerId))) {
      if (active.has(answerId)) throw conflict('This message is still being answered');
      stored = await recoverAbandoned(answerId);
    }
    yield { event: 'message', data: view(question) };
    if (stored) yield finalEvent(stored);
    else yield { event: 'error', data: { error: { code: 'answer_missing', message: 'The answer was interrupted; retry it.' } } };
  }

  return {
    /**
     * Sends a visitor's message. Errors thrown before the first event are request errors (JSON);
     * after it, every outcome is an event and is stored first.
     */
    async *send(
      visitor: VisitorIdentity,
      conversationId: string,
      body: { text: string; imageIds: string[]; clientMessageId: string },
      signal: AbortSignal,
    ): AsyncGenerator<ChatEvent> {
      const conversation = await deps.conversationService.ownConversation(visitor, conversationId);
      const questionId = messageIdFor(conversation.id, body.clientMessageId, 'user');
      const answerId = messageIdFor(conversation.id, body.clientMessageId, 'assistant');

      const earlier = await messages.findById(questionId);
      if (earlier) return yield* replay(earlier, answerId);

      const site = await deps.sites.byId(visitor.siteId);
      if (!site || site.tenantId !== visitor.tenantId) throw notFound('Site');
      const attached = await checkImages(visitor, body.imageIds);
      const question = await messages.insert({
        id: questionId,
        tenantId: visitor.tenantId,
        siteId: visitor.siteId,
        conversationId: conversation.id,
        role: 'user',
        text: body.text.trim(),
        images: attached.map(toAttachedImage),
        status: 'complete',
        errorCode: null,
        clientMessageId: body.clientMessageId,
        model: null,
        usage: null,
        createdAt: now(),
      });
      if (!question) {
        const stored = await messages.findById(questionId);
        if (!stored) throw conflict('This message is being sent');
        return yield* replay(stored, answerId);
      }
      await Promise.all(attached.map((image) => images.attach(image.id, conversation.id, question.id)));
      // The in-flight entry comes before the window write: a process that dies between the two leaves the entry,
      // and the next start rebuilds this conversation's window (`recoverInterrupted`).
      await messages.startStream({
        id: answerId,
        tenantId: visitor.tenantId,
        siteId: visitor.siteId,
        conversationId: conversation.id,
        clientMessageId: body.clientMessageId,
        model: site.model,
        startedAt: now(),
      });
      active.add(answerId);
      try {
        yield* answerQuestion(conversation, question, answerId, site, signal);
      } finally {
        active.delete(answerId);
      }
    },

    /** Answers again a question whose answer failed or was stopped. */
    async *retry(visitor: VisitorIdentity, answerMessageId: string, signal: AbortSignal): AsyncGenerator<ChatEvent> {
      const previous = await messages.findById(answerMessageId);
      if (!previous || previous.tenantId !== visitor.tenantId || previous.role !== 'assistant') throw notFound('Message');
      const conversation = await deps.conversationService.ownConversation(visitor, previous.conversationId);
      if (previous.status !== 'error' && previous.status !== 'stopped')
        throw new AppError(409, 'not_retryable', 'Only failed or stopped answers can be retried');
      const question = previous.clientMessageId
        ? await messages.findById(messageIdFor(conversation.id, previous.clientMessageId, 'user'))
        : null;
      if (!question) throw notFound('Message');
      const site = await deps.sites.byId(visitor.siteId);
      if (!site || site.tenantId !== visitor.tenantId) throw notFound('Site');
      const entry = {
        id: previous.id,
        tenantId: visitor.tenantId,
        siteId: visitor.siteId,
        conversationId: conversation.id,
        clientMessageId: question.clientMessageId ?? '',
        model: site.model,
        startedAt: now(),
      };
      let started = await messages.startStream(entry);
      if (!started && !active.has(previous.id)) {
        await messages.endStream(previous.id);
        started = await messages.startStream(entry);
      }
      if (!started) throw conflict('This answer is already being retried');
      active.add(previous.id);
      try {
        yield* answerAgain(conversation, question, previous, site, signal);
      } finally {
        active.delete(previous.id);
      }
    },

    /**
     * At start: answers whose process died mid-stream are stored as interrupted, never lost, and join their
     * conversation's window. A window the process may have left behind the collection (it died between storing a
     * message and writing the window) is rebuilt from the collection.
     */
    async recoverInterrupted(): Promise<number> {
      const abandoned = await messages.abandonedStreams();
      for (const stream of abandoned) await recoverStream(stream);
      return abandoned.length;
    },
  };

  async function recoverStream(stream: StreamDoc): Promise<void> {
    const id = String(stream._id);
    const conversationId = String(stream.conversationId);
    const existing = await messages.findById(id);
    const inserted = existing
      ? null
      : await messages.insert({
          id,
          tenantId: stream.tenantId,
          siteId: String(stream.siteId),
          conversationId: String(stream.conversationId),
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
    await serialized(conversationId, async () => {
      const conversation = await conversations.findById(conversationId);
      if (!conversation) return;
      const questionId = messageIdFor(conversationId, stream.clientMessageId, 'user');
      const current = await trustedWindow(conversation);
      const window =
        inserted && current?.some((m) => m.id === questionId)
          ? await windowAfter(conversation, inserted)
          : await rebuiltWindow(conversation);
      await conversations.setRecentMessages(conversationId, window);
    });
    await messages.endStream(id);
  }

  /** The rest of a send, once the question is stored and its in-flight entry exists. */
  async function* answerQuestion(
    conversation: ConversationRecord,
    question: MessageRecord,
    answerId: string,
    site: NonNullable<Awaited<ReturnType<SiteService['byId']>>>,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    // The question joins the window now, as it joined the collection: a reload while it is answered shows it.
    const window = await addToWindow(conversation, question).catch(async (error: unknown) => {
      // No answer follows: the question stays, as when a send fails before its echo.
      await messages.endStream(answerId).catch(() => {});
      throw error;
    });
    yield { event: 'message', data: view(question) };

    const history = contextFor(window, question);
    const answerMessage = yield* answer({ site, history, question, answerId, signal });
    await serialized(conversation.id, async () => {
      await persistently(() => messages.insert(answerMessage));
      try {
        await persistently(async () => {
          const fresh = (await conversations.findById(conversation.id)) ?? conversation;
          await recordTurn(fresh, question, answerMessage, false);
        });
      } finally {
        await persistently(() => messages.endStream(answerId));
      }
    });
    yield finalEvent(answerMessage);
  }

  /** The rest of a retry, once its in-flight entry exists. */
  async function* answerAgain(
    conversation: ConversationRecord,
    question: MessageRecord,
    previous: MessageRecord,
    site: NonNullable<Awaited<ReturnType<SiteService['byId']>>>,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    yield { event: 'message', data: view(question) };

    // The context before the question, without the failed answer (the question is sent as the new turn).
    const window = (await trustedWindow(conversation)) ?? (await rebuiltWindow(conversation));
    const history = contextFor(window, question, previous.id);
    const answerMessage = yield* answer({ site, history, question, answerId: previous.id, signal });
    await serialized(conversation.id, async () => {
      await persistently(() => messages.replaceAnswer(answerMessage));
      try {
        await persistently(async () => {
          const fresh = (await conversations.findById(conversation.id)) ?? conversation;
          await recordTurn(fresh, question, answerMessage, true);
        });
      } finally {
        await persistently(() => messages.endStream(previous.id));
      }
    });
    yield finalEvent(answerMessage);
  }
}
export type ChatService = ReturnType<typeof chatService>;
