import type { ConversationRecord, ConversationRepository, SendConversation } from '../../data/conversationRepository.js';
import { type ImageRecord, type ImageRepository, toAttachedImage } from '../../data/imageRepository.js';
import {
  type MessageRecord,
  type MessageRepository,
  messageIdFor,
  type NewMessage,
  NO_CITATIONS,
  toStreamDoc,
} from '../../data/messageRepository.js';
import type { SiteRecord } from '../../data/siteRepository.js';
import { AppError, badRequest, conflict, notFound } from '../../lib/AppError.js';
import { ownersEntry, visitorOwns, visitorsOwn } from '../conversationAccess.js';
import { CompanionExists, type Hold } from '../conversationLock.js';
import { type ConversationWindow, RECENT_CAPACITY } from '../conversationWindow.js';
import { type HandoffService, withPerson } from '../handoff/handoffService.js';
import { asksForHuman } from '../handoff/humanRequest.js';
import type { ImageUrlsOf } from '../views.js';
import type { VisitorIdentity } from '../visitorTokens.js';
import { type EmitWebhook, webhookData } from '../webhooks/webhookEvents.js';
import type { AnswerTurn } from './answerTurn.js';
import { type ChatEvent, finalEvent, questionEvent } from './chatEvents.js';
import type { InFlightAnswers } from './inFlightAnswers.js';
import { asStored } from './recordTurn.js';
import type { RecoverAnswers } from './recoverAnswers.js';

/** How long a replay waits for an answer still streaming before it answers 409 (the widget then retries). */
const REPLAY_WAIT_MS = 2_000;

export interface SendMessageDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  window: ConversationWindow;
  imageUrls: ImageUrlsOf;
  answer: AnswerTurn;
  inFlight: InFlightAnswers;
  recover: RecoverAnswers;
  /** Absent: the assistant answers every message (tests of the answer step alone). */
  handoff?: HandoffService;
  emit?: EmitWebhook;
  now: () => Date;
}

export interface SendInput {
  text: string;
  imageIds: string[];
  clientMessageId: string;
}

/** The send use case: store the visitor's question, echo it, answer it; a repeated `clientMessageId` replays. */
export function sendMessage(deps: SendMessageDeps) {
  const { conversations, messages, images, window, imageUrls, inFlight, now } = deps;

  /** The visitor's own uploads, not yet attached to a message. */
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

  /**
   * The stored answer, waiting a moment while its owner (any instance) still streams it: a stopped answer is stored
   * within milliseconds of the stop, and the widget reads it back at once, so a 409 there would be routine noise.
   */
  async function settledAnswer(answerId: string, signal: AbortSignal): Promise<MessageRecord | null> {
    let wait = 25;
    for (let waited = 0; ; waited += wait, wait = Math.min(wait * 2, 400)) {
      const stored = await messages.findById(answerId);
      if (stored) return stored;
      const stream = await messages.findStream(answerId);
      if (!stream) return messages.findById(answerId);
      if (!inFlight.isLive(stream)) return deps.recover.one(answerId);
      if (waited >= REPLAY_WAIT_MS || signal.aborted) throw conflict('This message is still being answered');
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /**
   * Replays what is stored for an earlier attempt with the same clientMessageId. A question with neither an answer nor
   * an in-flight entry went to a person, or was left by an instance that died between storing it and starting its
   * answer: `unanswered` answers it now (the in-flight entry's insert decides which request does, so it is answered
   * once), else the replay says the answer is missing.
   */
  async function* replay(
    question: MessageRecord,
    answerId: string,
    signal: AbortSignal,
    unanswered?: () => AsyncGenerator<ChatEvent>,
  ): AsyncGenerator<ChatEvent> {
    if (!(await messages.findById(answerId)) && !(await messages.findStream(answerId))) {
      const conversation = await conversations.findById(question.conversationId);
      if (deps.handoff && conversation && withPerson(conversation.mode)) {
        // While a person is involved, say again that it went to them.
        yield questionEvent(question, imageUrls);
        yield { event: 'delivered', data: { ...(await deps.handoff.modeEvent(conversation)), handoffRequested: false } };
        return;
      }
      // One that asks for a person is left to the request that stored it (it may be handing it over right now).
      if (unanswered && !asksForHuman(question.text)) return yield* unanswered();
    }
    const stored = await settledAnswer(answerId, signal);
    yield questionEvent(question, imageUrls);
    if (stored) yield finalEvent(stored, imageUrls);
    else yield { event: 'error', data: { error: { code: 'answer_missing', message: 'The answer was interrupted; retry it.' } } };
  }

  const emitQuestion = (question: MessageRecord) =>
    deps.emit?.(question.tenantId, 'message.created', () => webhookData.messageCreated(question, imageUrls));

  /**
   * The question as the first attempt stored it (in its in-flight entry or the collection), for a replay's echo; an
   * entry of someone else's send to this conversation is not the first attempt's.
   */
  async function storedQuestion(question: MessageRecord, conversation: SendConversation): Promise<MessageRecord> {
    const entry = await messages.findStream(messageIdFor(question.conversationId, question.clientMessageId ?? '', 'assistant'));
    return (
      (entry && ownersEntry(entry, conversation) ? entry.question : null) ?? (await messages.findById(question.id)) ?? question
    );
  }

  /**
   * A question that is not stored yet may repeat one stored by an earlier attempt (same `clientMessageId`): in the
   * window, or, in a conversation longer than its window, in the collection (the one read this costs there). Read
   * under the conversation's lock, before the model is called. A question an earlier attempt stored without an answer
   * is answered (and counted) once, here or by a later attempt: the question's insert with its answer finds it stored.
   */
  async function earlierCopy(recent: MessageRecord[], questionId: string): Promise<MessageRecord | null> {
    const inWindow = recent.find((m) => m.id === questionId);
    if (inWindow) return inWindow;
    // A window not full holds the whole conversation (the answers counted with it included).
    return recent.length < RECENT_CAPACITY ? null : messages.findById(questionId);
  }

  /**
   * Sends a visitor's message to the site (read once, by the route). Errors thrown before the first event are request
   * errors (JSON); after it, every outcome is an event and is stored first.
   *
   * The common send (no images, not asking for a person, the site's own visitor) reads nothing before its in-flight
   * entry and the conversation's lock go in: the window, read under the lock, carries what the send needs of its
   * conversation (owner, mode, counters, search text), current because every writer of those fields holds the lock.
   * A send to a conversation that is not the visitor's removes its entry and lock there and answers 404, before any
   * echo; one whose conversation is with a person or closed removes them and takes the path below, which reads the
   * conversation first.
   */
  return async function* send(
    visitor: VisitorIdentity,
    site: SiteRecord,
    conversationId: string,
    body: SendInput,
    signal: AbortSignal,
  ): AsyncGenerator<ChatEvent> {
    const questionId = messageIdFor(conversationId, body.clientMessageId, 'user');
    const answerId = messageIdFor(conversationId, body.clientMessageId, 'assistant');
    const siteOwn = site.id === visitor.siteId && site.tenantId === visitor.tenantId;
    const newQuestion = (attached: ImageRecord[]): NewMessage => ({
      id: questionId,
      tenantId: visitor.tenantId,
      siteId: visitor.siteId,
      conversationId,
      role: 'user',
      text: body.text.trim(),
      images: attached.map(toAttachedImage),
      status: 'complete',
      errorCode: null,
      clientMessageId: body.clientMessageId,
      model: null,
      usage: null,
      ...NO_CITATIONS,
      createdAt: now(),
    });

    /** Set when the window read under the lock sends a common send the longer way (a person involved, or closed). */
    let throughConversation = false;

    // The in-flight entry carries the question until it joins the window with its answer (`recordTurn`); a process
    // that dies meanwhile leaves the entry, and recovery puts both there (`recoverAnswers`). Its insert makes one
    // request the answering one when a resend races this send. It goes in with the conversation's lock, held until the
    // answer is stored (one insert and one delete for both): what is read under it stays current, so the answer's
    // writes read nothing again. Another send to the same conversation waits for the lock (its entry is in already).
    // `stored`: the question is in the messages collection already. Otherwise (a new send without images) the entry is
    // its only copy until it goes in with its answer (one insert for both, `answerTurn`): the entry's insert is its
    // acknowledgement, and a repeat is told apart under the lock, before the model is called. `known`: the conversation
    // as read before the lock (its owner checked); absent for the common send, which learns it under the lock.
    const answerNow = (question: MessageRecord, stored: boolean, known?: SendConversation) =>
      async function* (): AsyncGenerator<ChatEvent> {
        /** Set when an unstored question turns out to be a repeat of one stored earlier: replayed once the entry is gone. */
        let repeat: MessageRecord | null = null;
        /** Set once the conversation is known to be the visitor's. */
        let own = known;
        const entry = inFlight.entry({
          id: answerId,
          tenantId: visitor.tenantId,
          siteId: visitor.siteId,
          visitorId: visitor.visitorId,
          conversationId,
          clientMessageId: body.clientMessageId,
          model: site.model,
          question,
        });
        // The lease of the entry is renewed from its insert on, also while the lock is waited for.
        yield* inFlight.own(answerId, signal, async function* (answerSignal) {
          let hold: Hold;
          try {
            hold = await window.hold(conversationId, { id: answerId, doc: toStreamDoc(entry) });
          } catch (error) {
            if (!(error instanceof CompanionExists)) throw error;
            // The same answer is in flight: replayed, once the conversation is known to be the visitor's.
            own ??= visitorsOwn(visitor, await conversations.findById(conversationId));
            return yield* replay(stored ? question : await storedQuestion(question, own), answerId, signal);
          }
          try {
            // Its entry is stored: the question is echoed (and shown on a reload) from here on.
            if (stored) yield questionEvent(question, imageUrls);
            // Under the lock: the window with its copy of the conversation (current: every writer holds this lock), or,
            // when it has none, the conversation itself.
            const read = await window.readForSend(conversationId, visitor);
            const current = read.copy ?? (await conversations.findWithSearchText(conversationId));
            if (!current || (!known && !visitorOwns(visitor, current.conversation))) {
              await hold.release();
              // Erased since the question was stored: it goes too.
              if (known && !current) await messages.deleteForConversation(known.tenantId, known.id);
              throw notFound('Conversation');
            }
            const mode = current.conversation.mode;
            if (!known && deps.handoff && (withPerson(mode) || mode === 'closed')) {
              await hold.release();
              throughConversation = true;
              return;
            }
            const recent = read.messages ?? (await window.rebuild(current.conversation));
            if (!stored) {
              repeat = await earlierCopy(recent, questionId);
              if (repeat) {
                await hold.release();
                own = current.conversation;
                return;
              }
              await emitQuestion(question);
              yield questionEvent(question, imageUrls);
            }
            yield* deps.answer({
              site,
              conversation: current.conversation,
              question,
              answerId,
              signal: answerSignal,
              window: recent,
              retry: false,
              held: { hold, searchText: current.searchText, window: read.messages, questionStored: stored },
            });
          } finally {
            // Ends nothing once the answer's store released it; else the lock is left expired, the entry to recovery.
            await hold.fail();
          }
        });
        if (repeat) yield* replay(repeat, answerId, signal, answerNow(repeat, true, own));
      };

    /** The visitor's own conversation, with its images and mode decided before its question is stored. */
    async function* sendTo(conversation: ConversationRecord): AsyncGenerator<ChatEvent> {
      if (!siteOwn) throw notFound('Site');
      // A repeated send is found by its question's `_id`: before anything when images would be attached again,
      // otherwise by the insert itself (duplicate key), one round trip less.
      const earlier = body.imageIds.length ? await messages.findById(questionId) : null;
      if (earlier) return yield* replay(earlier, answerId, signal, answerNow(earlier, true, conversation));

      const attached = await checkImages(visitor, body.imageIds);
      const handoff = deps.handoff;
      const toPeople = handoff && (withPerson(conversation.mode) || asksForHuman(body.text.trim()));
      if (!toPeople && !attached.length) {
        // The question goes in with its answer, its entry holding it meanwhile (one insert less).
        if (handoff && conversation.mode === 'closed') await handoff.reopen(conversation.id);
        return yield* answerNow(asStored(newQuestion([])), false, conversation)();
      }

      const question = await messages.insert(newQuestion(attached));
      if (!question) {
        const stored = await messages.findById(questionId);
        if (!stored) throw conflict('This message is being sent');
        return yield* replay(stored, answerId, signal, answerNow(stored, true, conversation));
      }
      await Promise.all(attached.map((image) => images.attach(image.id, conversation.id, question.id)));
      await emitQuestion(question);
      if (handoff) {
        if (conversation.mode === 'closed') await handoff.reopen(conversation.id);
        const requested = !withPerson(conversation.mode) && asksForHuman(question.text);
        if (withPerson(conversation.mode) || requested) {
          // A person answers (or was just asked for): the question goes to the agents and no model is called.
          yield questionEvent(question, imageUrls);
          const mode = await handoff.visitorMessage(conversation, question, requested);
          yield { event: 'delivered', data: { ...mode, handoffRequested: requested } };
          return;
        }
      }
      yield* answerNow(question, true, conversation)();
    }

    if (siteOwn && !body.imageIds.length && !(deps.handoff && asksForHuman(body.text.trim()))) {
      yield* answerNow(asStored(newQuestion([])), false)();
      if (!throughConversation) return;
    }
    yield* sendTo(visitorsOwn(visitor, await conversations.findById(conversationId)));
  };
}
