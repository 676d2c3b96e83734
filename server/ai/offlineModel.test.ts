import { describe, expect, it } from 'vitest';
import type { FaqEntry } from '../../contract/sites.js';
import type { ChatModel, ChatRequest, ChatResult } from './ChatModel.js';
import { createOfflineModel, NO_MATCH } from './offlineModel.js';

const faq: FaqEntry[] = [
  {
    question: 'How do I add the widget to my website?',
    answer: 'Paste the script tag from the dashboard into your page, before the closing body tag.',
  },
  {
    question: 'Can visitors send images?',
    answer: 'Yes. Visitors can paste, drop or pick an image; it is resized and stored with the conversation.',
  },
  { question: 'Which AI model answers?', answer: 'Gemini when an API key is configured, otherwise a search of this FAQ.' },
  { question: 'How much does it cost?', answer: 'The self-hosted version is free and open source.' },
  { question: 'Where are conversations stored?', answer: 'In MongoDB, or in an embedded database in local mode.' },
  {
    question: 'How do I change the colour of the chat button?',
    answer: 'Open the site settings in the dashboard and pick an accent colour.',
  },
  { question: 'How do I change the greeting of the chat?', answer: 'Edit the greeting in the site settings.' },
];

function request(text: string, overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    system: '',
    history: [],
    turn: { role: 'user', text },
    knowledge: faq,
    knowledgeKey: 'site-1:v1',
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function run(model: ChatModel, req: ChatRequest) {
  const deltas: string[] = [];
  const stream = model.stream(req);
  let next = await stream.next();
  while (!next.done) {
    deltas.push(next.value);
    next = await stream.next();
  }
  return { deltas, text: deltas.join(''), result: next.value as ChatResult };
}

const model = createOfflineModel({ chunkDelayMs: 0 });

describe('createOfflineModel', () => {
  it.each([
    ['add the widget to my website', faq[0]!],
    ['how do I install the widget', faq[0]!],
    ['can I upload an image?', faq[1]!],
    ['where is my data stored', faq[4]!],
    ['how much is it', faq[3]!],
    ['chnage the button colour', faq[5]!],
  ])('answers %j with the matching FAQ entry', async (question, entry) => {
    const { text, result } = await run(model, request(question));
    expect(text.startsWith(entry.answer)).toBe(true);
    expect(result).toEqual({ finishReason: 'stop', usage: null, model: 'offline' });
  });

  it('lists close questions as related', async () => {
    const { text } = await run(model, request('change the chat'));
    expect(text).toMatch(/^(Open the site settings|Edit the greeting)/);
    expect(text).toContain('\n\nRelated:\n- How do I change the');
  });

  it('says plainly when nothing matches, suggesting rephrasing and up to three FAQ questions', async () => {
    const { text } = await run(model, request('what is the weather in Paris today?'));
    expect(text).toBe(
      `${NO_MATCH} Try rephrasing it, or ask one of these:\n- ${faq[0]!.question}\n- ${faq[1]!.question}\n- ${faq[2]!.question}`,
    );
    expect(text.startsWith("No AI model is configured and nothing in this site's FAQ matches your question")).toBe(true);
  });

  it('says so too when the site has no FAQ at all', async () => {
    const { text } = await run(model, request('anything?', { knowledge: [], knowledgeKey: 'empty' }));
    expect(text).toBe(`${NO_MATCH} Try rephrasing it.`);
  });

  it('acknowledges attached images honestly, with their count and sizes, and still answers the text', async () => {
    const image = (width: number, height: number) => ({ mimeType: 'image/png', data: Buffer.alloc(4), width, height });
    const { text } = await run(
      model,
      request('Where are conversations stored?', {
        turn: { role: 'user', text: 'Where are conversations stored?', images: [image(800, 600), image(1024, 768)] },
      }),
    );
    expect(text).toBe(
      "You attached 2 images (800×600 and 1024×768). No AI model is configured, so I can't see what they show.\n\n" +
        faq[4]!.answer,
    );
    const alone = await run(model, request('', { turn: { role: 'user', text: '', images: [image(64, 32)] } }));
    expect(alone.text).toContain("You attached an image (64×32). No AI model is configured, so I can't see what it shows.");
    expect(alone.text).toContain('Ask your question in words');
  });

  it('streams the answer in small word groups that join back to the exact text', async () => {
    const chunky = createOfflineModel({ chunkDelayMs: 0, wordsPerChunk: 2 });
    const { deltas, text } = await run(chunky, request('Where are conversations stored?'));
    expect(text).toBe(faq[4]!.answer);
    expect(deltas).toEqual(['In MongoDB, ', 'or in ', 'an embedded ', 'database in ', 'local mode.']);
  });

  it('paces the chunks with the configured delay', async () => {
    const paced = createOfflineModel({ chunkDelayMs: 10, wordsPerChunk: 1 });
    const started = performance.now();
    const { deltas } = await run(paced, request('Where are conversations stored?'));
    expect(deltas).toHaveLength(10);
    expect(performance.now() - started).toBeGreaterThanOrEqual(9 * 10 - 5);
  });

  it('throws an AbortError when the signal aborts mid-answer, during a pause or between chunks', async () => {
    for (const chunkDelayMs of [20, 0]) {
      const paced = createOfflineModel({ chunkDelayMs, wordsPerChunk: 1 });
      const controller = new AbortController();
      const deltas: string[] = [];
      const error = await (async () => {
        try {
          for await (const delta of paced.stream(request('Where are conversations stored?', { signal: controller.signal }))) {
            deltas.push(delta);
            if (deltas.length === 2) controller.abort();
          }
        } catch (caught) {
          return caught as Error;
        }
        return null;
      })();
      expect(error?.name).toBe('AbortError');
      expect(deltas).toEqual(['In ', 'MongoDB, ']);
    }
  });

  it('throws an AbortError at once when the signal is already aborted', async () => {
    await expect(run(model, request('widget', { signal: AbortSignal.abort() }))).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('keeps one index per knowledge key, rebuilt when the key changes or the entry was evicted', async () => {
    const cached = createOfflineModel({ chunkDelayMs: 0, cacheSize: 2 });
    const v1: FaqEntry[] = [{ question: 'What are your opening hours?', answer: 'Nine to five.' }];
    const v2: FaqEntry[] = [{ question: 'What are your opening hours?', answer: 'Eight to six.' }];
    const ask = (knowledge: FaqEntry[], knowledgeKey: string) =>
      run(cached, request('opening hours', { knowledge, knowledgeKey }));
    expect((await ask(v1, 'site:v1')).text).toBe('Nine to five.');
    // Same key: the cached index answers (the key is the contract for "knowledge unchanged").
    expect((await ask(v2, 'site:v1')).text).toBe('Nine to five.');
    expect((await ask(v2, 'site:v2')).text).toBe('Eight to six.');
    await ask(v2, 'other:v1');
    await ask(v2, 'third:v1');
    // site:v1 was the least recently used of three keys in a cache of two: evicted, so rebuilt from the new entries.
    expect((await ask(v2, 'site:v1')).text).toBe('Eight to six.');
  });
});
