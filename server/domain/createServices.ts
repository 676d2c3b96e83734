import type { ChatModel, ModelImage } from '../ai/ChatModel.js';
import { conversationRepository } from '../data/conversationRepository.js';
import { imageRepository } from '../data/imageRepository.js';
import { messageRepository, type StoredImage } from '../data/messageRepository.js';
import { siteRepository } from '../data/siteRepository.js';
import { visitorRepository } from '../data/visitorRepository.js';
import type { Models } from '../db/models/index.js';
import { chatService } from './chatService.js';
import { conversationService } from './conversationService.js';
import { sessionService } from './sessionService.js';
import { siteService } from './siteService.js';
import { statsService } from './statsService.js';
import type { ImageUrls } from './views.js';
import { visitorTokens } from './visitorTokens.js';

export interface ServiceDeps {
  models: Models;
  model: ChatModel;
  visitorTokenSecret: string;
  imageUrls: ImageUrls;
  loadModelImage: (image: StoredImage) => Promise<ModelImage>;
  deleteImageFile?: (image: { storage: 'local' | 'imagekit'; key: string; providerFileId: string | null }) => Promise<void>;
  now?: () => Date;
}

/** The domain, wired from repositories over the given models (no HTTP, no listening). */
export function createServices(deps: ServiceDeps) {
  const repos = {
    sites: siteRepository(deps.models),
    visitors: visitorRepository(deps.models),
    conversations: conversationRepository(deps.models),
    messages: messageRepository(deps.models),
    images: imageRepository(deps.models),
  };
  const tokens = visitorTokens(deps.visitorTokenSecret, deps.now);
  const sites = siteService(repos.sites);
  const sessions = sessionService({ sites, visitors: repos.visitors, tokens });
  const conversations = conversationService({
    ...repos,
    imageUrls: deps.imageUrls,
    deleteImageFile: deps.deleteImageFile,
    now: deps.now,
  });
  const chat = chatService({
    sites,
    conversations: repos.conversations,
    conversationService: conversations,
    messages: repos.messages,
    images: repos.images,
    model: deps.model,
    imageUrls: deps.imageUrls,
    loadModelImage: deps.loadModelImage,
    now: deps.now,
  });
  const stats = statsService({ ...repos, now: deps.now });
  return { repos, tokens, sites, sessions, conversations, chat, stats };
}
export type Services = ReturnType<typeof createServices>;
