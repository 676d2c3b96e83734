import type { ChatModelConfig } from '../../ai/selectChatModel.js';
import type { Embedder } from './Embedder.js';
import { createGeminiEmbedder } from './geminiEmbedder.js';

/** Gemini embeddings when an API key is configured (hybrid retrieval), otherwise none (keyword retrieval alone). */
export function selectEmbedder(config: Omit<ChatModelConfig, 'GEMINI_MODEL'>): Embedder | null {
  if (!config.GEMINI_API_KEY) return null;
  return createGeminiEmbedder({
    apiKey: config.GEMINI_API_KEY,
    ...(config.GEMINI_BASE_URL ? { baseUrl: config.GEMINI_BASE_URL } : {}),
  });
}
