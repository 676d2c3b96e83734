import { setTimeout as sleep } from 'node:timers/promises';
import type { FaqEntry } from '../../contract/sites.js';
import { abortError } from './abortError.js';
import type { ChatModel, ChatRequest, ChatResult, ModelImage } from './ChatModel.js';
import { FaqIndex } from './faqIndex.js';

export interface OfflineModelOptions {
  /** Pause between streamed chunks, so the answer arrives like a model's (tests set 0). */
  chunkDelayMs?: number;
  wordsPerChunk?: number;
  /** How many sites' indexes to keep (least recently used dropped first). */
  cacheSize?: number;
}

/** A match must cover half the question's meaningful words and score above noise (a lone fuzzy hit in an answer). */
const MIN_COVERAGE = 0.5;
const MIN_SCORE = 1.5;
const MIN_ENTRIES_FOR_SCORE = 5;
/** Other entries at least this close to the best one are listed as related. */
const RELATED_RATIO = 0.4;

export const NO_MATCH = "No AI model is configured and nothing in this site's FAQ matches your question.";

function describeImages(images: ModelImage[]): string {
  const sizes = images.map((image) => `${image.width}×${image.height}`);
  const list = sizes.length > 1 ? `${sizes.slice(0, -1).join(', ')} and ${sizes.at(-1)}` : sizes[0];
  const count = images.length === 1 ? 'an image' : `${images.length} images`;
  return `You attached ${count} (${list}). No AI model is configured, so I can't see what ${images.length === 1 ? 'it shows' : 'they show'}.`;
}

function noMatch(entries: FaqEntry[]): string {
  if (entries.length === 0) return `${NO_MATCH} Try rephrasing it.`;
  const questions = entries.slice(0, 3).map((entry) => `- ${entry.question}`);
  return `${NO_MATCH} Try rephrasing it, or ask one of these:\n${questions.join('\n')}`;
}

function answerFrom(index: FaqIndex, question: string): string {
  // BM25 scores shrink with the number of entries (IDF), so the score floor only applies to FAQs
  // large enough for it to mean something; coverage of the question's words is the main signal.
  const minScore = index.entries.length >= MIN_ENTRIES_FOR_SCORE ? MIN_SCORE : 0;
  const matches = index.find(question).filter((match) => match.coverage >= MIN_COVERAGE && match.score >= minScore);
  const [best, ...others] = matches;
  if (!best) return noMatch(index.entries);
  const related = others.filter((match) => match.score >= best.score * RELATED_RATIO).slice(0, 2);
  if (related.length === 0) return best.entry.answer;
  return `${best.entry.answer}\n\nRelated:\n${related.map((match) => `- ${match.entry.question}`).join('\n')}`;
}

/** The reply to one turn, from the site's FAQ alone. */
function compose(index: FaqIndex, request: ChatRequest): string {
  const parts: string[] = [];
  const images = request.turn.images ?? [];
  if (images.length) parts.push(describeImages(images));
  const question = request.turn.text.trim();
  if (question) parts.push(answerFrom(index, question));
  else if (!images.length) parts.push(noMatch(index.entries));
  else parts.push("Ask your question in words and I'll look for the answer in this site's FAQ.");
  return parts.join('\n\n');
}

/** Word groups with their trailing whitespace, so joining the chunks gives back the text exactly. */
function chunk(text: string, wordsPerChunk: number): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}

/**
 * The provider used without a Gemini key: it answers from the site's FAQ entries by retrieval and says plainly when
 * nothing matches, streamed in small chunks like a model's answer.
 */
export function createOfflineModel(options: OfflineModelOptions = {}): ChatModel {
  const chunkDelayMs = options.chunkDelayMs ?? 15;
  const wordsPerChunk = options.wordsPerChunk ?? 3;
  const cacheSize = options.cacheSize ?? 50;
  const indexes = new Map<string, FaqIndex>();

  function indexFor(request: ChatRequest): FaqIndex {
    const cached = indexes.get(request.knowledgeKey);
    if (cached) {
      // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
      indexes.delete(request.knowledgeKey);
      indexes.set(request.knowledgeKey, cached);
      return cached;
    }
    const index = new FaqIndex(request.knowledge);
    indexes.set(request.knowledgeKey, index);
    if (indexes.size > cacheSize) indexes.delete(indexes.keys().next().value as string);
    return index;
  }

  return {
    name: 'offline',
    async *stream(request: ChatRequest): AsyncGenerator<string, ChatResult, void> {
      const { signal } = request;
      if (signal.aborted) throw abortError();
      const text = compose(indexFor(request), request);
      for (const [i, piece] of chunk(text, wordsPerChunk).entries()) {
        if (i > 0 && chunkDelayMs > 0) {
          try {
            await sleep(chunkDelayMs, undefined, { signal });
          } catch {
            throw abortError();
          }
        }
        if (signal.aborted) throw abortError();
        yield piece;
      }
      return { finishReason: 'stop', usage: null, model: 'offline' };
    },
  };
}
