import type { ChatModel } from './ChatModel.js';
import { createGeminiModel } from './geminiModel.js';
import { createOfflineModel } from './offlineModel.js';

export interface ChatModelConfig {
  GEMINI_API_KEY?: string | undefined;
  GEMINI_MODEL: string;
  GEMINI_BASE_URL?: string | undefined;
}

/** Gemini when an API key is configured, otherwise the offline FAQ provider. */
export function selectChatModel(config: ChatModelConfig): ChatModel {
  if (!config.GEMINI_API_KEY) return createOfflineModel();
  return createGeminiModel({
    apiKey: config.GEMINI_API_KEY,
    model: config.GEMINI_MODEL,
    ...(config.GEMINI_BASE_URL ? { baseUrl: config.GEMINI_BASE_URL } : {}),
  });
}
