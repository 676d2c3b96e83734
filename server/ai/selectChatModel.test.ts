import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { type FakeGemini, startFakeGemini } from '../test/fakeGemini.js';
import type { ChatModel, ChatRequest } from './ChatModel.js';
import { selectChatModel } from './selectChatModel.js';

let fake: FakeGemini;
beforeAll(async () => {
  fake = await startFakeGemini();
});
afterAll(() => fake.close());

const request: ChatRequest = {
  system: 'Be brief.',
  history: [],
  turn: { role: 'user', text: 'opening hours' },
  knowledge: {
    passages: [
      {
        number: 1,
        title: 'What are your opening hours?',
        headingPath: [],
        url: null,
        page: null,
        text: 'Nine to five, from the FAQ.',
        keywordScore: 1,
      },
    ],
    suggestions: [],
  },
  signal: new AbortController().signal,
};

async function answer(model: ChatModel) {
  let text = '';
  const stream = model.stream(request);
  let next = await stream.next();
  while (!next.done) {
    text += next.value;
    next = await stream.next();
  }
  return { text, result: next.value };
}

describe('selectChatModel', () => {
  it('uses the offline provider when no Gemini key is configured', async () => {
    const model = selectChatModel(loadConfig({ GEMINI_API_KEY: '' }));
    expect(model.name).toBe('offline');
    const { text, result } = await answer(model);
    expect(text).toBe('Nine to five, from the FAQ.');
    expect(result.model).toBe('offline');
    expect(fake.requests).toHaveLength(0);
  });

  it('uses Gemini with the configured key, model and base URL when a key is set', async () => {
    const model = selectChatModel(
      loadConfig({ GEMINI_API_KEY: fake.apiKey, GEMINI_MODEL: 'gemini-configured', GEMINI_BASE_URL: fake.url }),
    );
    expect(model.name).toBe('gemini');
    fake.enqueue({ chunks: ['Hi ', 'from Gemini.'] });
    const { text, result } = await answer(model);
    expect(text).toBe('Hi from Gemini.');
    expect(result.model).toBe('gemini-configured');
    expect(fake.requests.at(-1)?.model).toBe('gemini-configured');
    expect(fake.requests.at(-1)?.apiKey).toBe(fake.apiKey);
  });
});
