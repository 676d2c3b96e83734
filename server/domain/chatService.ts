import type { ChatModel, ModelImage } from '../ai/ChatModel.js';
import type { ConversationRepository } from '../data/conversationRepository.js';
import type { ImageRepository } from '../data/imageRepository.js';
import type { AttachedImage, MessageRepository } from '../data/messageRepository.js';
import { answerTurn } from './chat/answerTurn.js';
import { inFlightAnswers } from './chat/inFlightAnswers.js';
import { recoverAnswers } from './chat/recoverAnswers.js';
import { retryAnswer } from './chat/retryAnswer.js';
import { sendMessage } from './chat/sendMessage.js';
import type { ConversationWindow } from './conversationWindow.js';
import type { ImageUrlsOf } from './views.js';

export interface ChatServiceDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  images: ImageRepository;
  window: ConversationWindow;
  model: ChatModel;
  imageUrls: ImageUrlsOf;
  /** Reads a stored image and downsizes it for the model. */
  loadModelImage: (image: AttachedImage) => Promise<ModelImage>;
  now?: () => Date;
}

/** The chat use cases (send, retry, crash recovery), sharing one answer step; each lives in `chat/`. */
export function chatService(deps: ChatServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const inFlight = inFlightAnswers();
  const recover = recoverAnswers({ ...deps, now });
  const answer = answerTurn({ ...deps, now });
  return {
    send: sendMessage({ ...deps, now, answer, inFlight, recover }),
    retry: retryAnswer({ ...deps, now, answer, inFlight }),
    /** At start: answers whose process died mid-stream are stored as interrupted, never lost. */
    recoverInterrupted: recover.all,
  };
}
export type ChatService = ReturnType<typeof chatService>;
