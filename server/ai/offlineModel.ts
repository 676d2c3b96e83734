import { setTimeout as sleep } from 'node:timers/promises';
import { abortError } from './abortError.js';
import type { ChatModel, ChatRequest, ChatResult, KnowledgePassage, ModelImage } from './ChatModel.js';

export interface OfflineModelOptions {
  /** Pause between streamed chunks, so the answer arrives like a model's (tests set 0). */
  chunkDelayMs?: number;
  wordsPerChunk?: number;
}

/** Other matching passages listed as related, by title, when their keyword score is this close to the best one's. */
const RELATED = 2;
const RELATED_RATIO = 0.4;
/** An extract longer than this is cut at a sentence or word. */
const EXTRACT_CHARS = 1200;

export const NO_MATCH = "No AI model is configured and nothing in this site's knowledge matches your question.";

function describeImages(images: ModelImage[]): string {
  const sizes = images.map((image) => `${image.width}×${image.height}`);
  const list = sizes.length > 1 ? `${sizes.slice(0, -1).join(', ')} and ${sizes.at(-1)}` : sizes[0];
  const count = images.length === 1 ? 'an image' : `${images.length} images`;
  return `You attached ${count} (${list}). No AI model is configured, so I can't see what ${images.length === 1 ? 'it shows' : 'they show'}.`;
}

function noMatch(suggestions: string[]): string {
  if (suggestions.length === 0) return `${NO_MATCH} Try rephrasing it.`;
  return `${NO_MATCH} Try rephrasing it, or ask one of these:\n${suggestions.map((question) => `- ${question}`).join('\n')}`;
}

/** The passage's text, cut at a sentence or word when long. */
function extract(passage: KnowledgePassage): string {
  const text = passage.text.trim();
  if (text.length <= EXTRACT_CHARS) return text;
  const cut = text.slice(0, EXTRACT_CHARS);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('\n'));
  return end > EXTRACT_CHARS / 2 ? cut.slice(0, end + 1).trim() : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

/** The best passage's text (retrieval already kept only matching passages), and the titles of the other matches. */
function answerFrom(passages: KnowledgePassage[], suggestions: string[]): { text: string; cited: number[] } {
  const [best, ...others] = passages;
  if (!best) return { text: noMatch(suggestions), cited: [] };
  const close = others.filter(
    (passage) => best.keywordScore === null || (passage.keywordScore ?? 0) >= best.keywordScore * RELATED_RATIO,
  );
  const related = [...new Set(close.map((passage) => passage.title))].filter((title) => title !== best.title);
  const text = extract(best);
  if (related.length === 0) return { text, cited: [best.number] };
  const list = related.slice(0, RELATED).map((title) => `- ${title}`);
  return { text: `${text}\n\nRelated:\n${list.join('\n')}`, cited: [best.number] };
}

/** The reply to one turn, from the passages retrieved for it alone. */
function compose(request: ChatRequest): { text: string; cited: number[] } {
  const { passages, suggestions } = request.knowledge;
  const parts: string[] = [];
  const images = request.turn.images ?? [];
  if (images.length) parts.push(describeImages(images));
  const question = request.turn.text.trim();
  let cited: number[] = [];
  if (question) {
    const answer = answerFrom(passages, suggestions);
    parts.push(answer.text);
    cited = answer.cited;
  } else if (!images.length) parts.push(noMatch(suggestions));
  else parts.push("Ask your question in words and I'll look for the answer in this site's knowledge.");
  return { text: parts.join('\n\n'), cited };
}

/** Word groups with their trailing whitespace, so joining the chunks gives back the text exactly. */
function chunk(text: string, wordsPerChunk: number): string[] {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) chunks.push(words.slice(i, i + wordsPerChunk).join(''));
  return chunks;
}

/**
 * The provider used without a Gemini key: it answers extractively from the best passage retrieved from the site's
 * knowledge (citing it) and says plainly when nothing matches, streamed in small chunks like a model's answer.
 */
export function createOfflineModel(options: OfflineModelOptions = {}): ChatModel {
  const chunkDelayMs = options.chunkDelayMs ?? 15;
  const wordsPerChunk = options.wordsPerChunk ?? 3;

  return {
    name: 'offline',
    async *stream(request: ChatRequest): AsyncGenerator<string, ChatResult, void> {
      const { signal } = request;
      if (signal.aborted) throw abortError();
      const { text, cited } = compose(request);
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
      return { finishReason: 'stop', usage: null, model: 'offline', cited };
    },
  };
}
