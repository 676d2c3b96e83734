import type { ChatModel, ModelImage } from '../ai/ChatModel.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { AttachedImage, MessageRepository } from '../data/messageRepository.js';
import type { Retriever } from '../knowledge/retrieval/retriever.js';
import { answerTurn } from './chat/answerTurn.js';
import { inFlightAnswers } from './chat/inFlightAnswers.js';
import { recoverAnswers } from './chat/recoverAnswers.js';
import { retryAnswer } from './chat/retryAnswer.js';
import { sendMessage } from './chat/sendMessage.js';
import type { ConversationWindow } from './conversationWindow.js';
import type { HandoffService } from './handoff/handoffService.js';
import type { LeaseSettings } from './instance.js';
import type { ModelBudget } from './modelBudget.js';
import type { ImageUrlsOf } from './views.js';
import type { EmitWebhook } from './webhooks/webhookEvents.js';

export interface ChatServiceDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  window: ConversationWindow;
  model: ChatModel;
  imageUrls: ImageUrlsOf;
  /** Reads a stored image and downsizes it for the model. */
  loadModelImage: (image: AttachedImage) => Promise<ModelImage>;
  /** This instance, the owner of the answers it streams. */
  instanceId: string;
  leases: LeaseSettings;
  budget?: ModelBudget;
  /** While a person is involved the send path delivers to them instead of calling the model. */
  handoff?: HandoffService;
  /** The site's knowledge, searched for each question. */
  retriever: Retriever;
  /** `message.created` for each question and final answer stored. */
  emit?: EmitWebhook;
  now?: () => Date;
}

/** The chat use cases (send, retry, crash recovery), sharing one answer step; each lives in `chat/`. */
export function chatService(deps: ChatServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const inFlight = inFlightAnswers({ ...deps, ...deps.leases, now });
  const recover = recoverAnswers({ ...deps, inFlight, now });
  const answer = answerTurn({ ...deps, now });
  return {
    send: sendMessage({ ...deps, now, answer, inFlight, recover }),
    retry: retryAnswer({ ...deps, now, answer, inFlight, recover }),
    /**
     * At start and periodically: answers whose instance died mid-stream (lease expired) are stored as interrupted,
     * never lost; answers other instances are streaming are left alone.
     */
    recoverInterrupted: recover.expired,
  };
}
export type ChatService = ReturnType<typeof chatService>;
