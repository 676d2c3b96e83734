import { describe, expect, it } from 'vitest';
import type { FaqEntry } from '../../contract/sites.js';
import { noStoredKnowledge, retriever } from '../knowledge/retrieval/retriever.js';
import type { ChatModel, ChatRequest, ChatResult, KnowledgePassage } from './ChatModel.js';
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

// The offline provider answers from what retrieval gives it: the real retrieval over the FAQ, as the context step does.
const retrieval = retriever({ store: noStoredKnowledge });

async function knowledgeFor(entries: FaqEntry[], text: string, updatedAt = '2026-01-01T00:00:00.000Z') {
  const found = await retrieval.retrieve({ id: 'site-1', tenantId: 't', faq: entries, updatedAt }, text);
  const passages = found.passages.map(
    ({ passage, keywordScore }, i): KnowledgePassage => ({ ...passage, number: i + 1, keywordScore }),
  );
  return { passages, suggestions: entries.slice(0, 3).map((entry) => entry.question) };
}

async function request(text: string, overrides: Partial<ChatRequest> & { faq?: FaqEntry[] } = {}): Promise<ChatRequest> {
  const { faq: entries = faq, ...rest } = overrides;
  return {
    system: '',
    history: [],
    turn: { role: 'user', text },
    knowledge: await knowledgeFor(entries, text),
    signal: new AbortController().signal,
    ...rest,
  };
}

async function run(model: ChatModel, pending: ChatRequest | Promise<ChatRequest>) {
  const deltas: string[] = [];
  const stream = model.stream(await pending);
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
    // The passage it answered from is reported, so the stored answer cites it.
    expect(result).toEqual({ finishReason: 'stop', usage: null, model: 'offline', cited: [1] });
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
    expect(text.startsWith("No AI model is configured and nothing in this site's knowledge matches your question")).toBe(true);
  });

  it('says so too when the site has no FAQ at all', async () => {
    const { text } = await run(model, request('anything?', { faq: [] }));
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
          const req = await request('Where are conversations stored?', { signal: controller.signal });
          for await (const delta of paced.stream(req)) {
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

  it('answers from the passages it is given only: a changed FAQ answers at once', async () => {
    const v1: FaqEntry[] = [{ question: 'What are your opening hours?', answer: 'Nine to five.' }];
    const v2: FaqEntry[] = [{ question: 'What are your opening hours?', answer: 'Eight to six.' }];
    const ask = async (entries: FaqEntry[], updatedAt: string) =>
      run(model, { ...(await request('opening hours')), knowledge: await knowledgeFor(entries, 'opening hours', updatedAt) });
    expect((await ask(v1, '2026-02-01T00:00:00.000Z')).text).toBe('Nine to five.');
    expect((await ask(v2, '2026-02-02T00:00:00.000Z')).text).toBe('Eight to six.');
  });

  it('answers extractively from a long document passage, cut at a sentence, and lists other pages as related', async () => {
    const long = `${'The warranty covers parts and labour for two years. '.repeat(40)}`;
    const passages: KnowledgePassage[] = [
      {
        number: 1,
        title: 'Warranty',
        headingPath: ['Terms'],
        url: 'https://shop.test/warranty',
        page: null,
        text: long,
        keywordScore: 9,
      },
      {
        number: 2,
        title: 'Returns',
        headingPath: [],
        url: 'https://shop.test/returns',
        page: null,
        text: 'Thirty days.',
        keywordScore: 5,
      },
    ];
    const { text, result } = await run(model, { ...(await request('warranty')), knowledge: { passages, suggestions: [] } });
    expect(text.length).toBeLessThan(1300);
    expect(text).toMatch(/^The warranty covers parts and labour for two years\. .*years\.\n\nRelated:\n- Returns$/s);
    expect(result.cited).toEqual([1]);
  });
});
