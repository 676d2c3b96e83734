// Journeys 1 and 8: a visitor chats on the demo page against Gemini (its local fake, through the real SDK), and the
// widget adds no console error or uncaught exception to the host page.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AdminConversation, AdminConversationDetail, Page as ListPage } from '../contract/index.js';
import { selectChatModel } from '../server/ai/selectChatModel.js';
import { loadConfig } from '../server/config.js';
import { type FakeGemini, startFakeGemini } from '../server/test/fakeGemini.js';
import { keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let gemini: FakeGemini;
let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  gemini = await startFakeGemini({ defaultBehaviour: { delayMs: 10 } });
  server = await startE2eServer(import.meta.url, {
    // Chosen from the environment as main.ts does: GEMINI_API_KEY and GEMINI_BASE_URL pointing at the fake.
    model: selectChatModel(loadConfig({ GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url })),
  });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await gemini?.close();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  errors = watchErrors(page);
});
afterEach(async (ctx) => {
  await keepFailureScreenshots(ctx, browser);
  await context.close();
});

const words = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i} `);

async function visitorConversation(): Promise<AdminConversationDetail> {
  const list = await server.admin<ListPage<AdminConversation>>(`/v1/admin/conversations?siteId=${server.demoSite.id}`);
  expect(list.items.length).toBeGreaterThan(0);
  return server.admin<AdminConversationDetail>(`/v1/admin/conversations/${list.items[0]!.id}`);
}

describe('journey 1: a visitor chats', () => {
  it('sends, watches the answer stream in, stops one mid-way, retries a failed one and gives a thumbs-up', async () => {
    const ui = widgetUi(page);
    const { log, box, answers } = ui;
    await page.goto(`${server.url}/`);
    await ui.open();
    expect(await log.textContent()).toContain('Hi! I am the demo assistant.');

    // 1. Send; the answer arrives token by token: seen part-way (Stop offered, log busy), then whole.
    gemini.enqueue({ chunks: words(40, 'tok'), delayMs: 40 });
    await box.fill('Tell me a long story');
    await ui.send.click();
    await eventually(() => answers.last().textContent()).toContain('tok3');
    const partial = (await answers.last().textContent()) ?? '';
    expect(partial).not.toContain('tok39');
    expect(await ui.stop.isVisible()).toBe(true);
    expect(await log.getAttribute('aria-busy')).toBe('true');
    await eventually(() => answers.last().textContent()).toContain('tok39');
    await ui.send.waitFor();
    expect(await log.getAttribute('aria-busy')).toBe('false');
    expect(await box.inputValue()).toBe('');
    expect(await log.locator('.msg.user').last().textContent()).toContain('Tell me a long story');

    // 2. Stop mid-way: the partial answer stays, marked stopped, and the server keeps it as stopped.
    gemini.enqueue({ chunks: words(60, 'slow'), delayMs: 80 });
    await box.fill('Another long one please');
    await box.press('Enter');
    await eventually(() => answers.last().textContent()).toContain('slow2');
    await ui.stop.click();
    await eventually(() => answers.last().textContent()).toContain('Stopped.');
    expect(await answers.last().textContent()).not.toContain('slow59');
    // Stopping reaches the model: the upstream Gemini request is closed early.
    const upstream = gemini.requests.at(-1)!;
    await upstream.finished;
    expect(upstream.aborted).toBe(true);
    await eventually(async () => (await visitorConversation()).messages.filter((m) => m.status === 'stopped').length).toBe(1);

    // 3. Gemini fails once (HTTP 500): a clear failure with Retry; Retry regenerates that answer.
    gemini.enqueue({ httpError: { code: 500 } }, { chunks: ['Recovered ', 'after ', 'a retry.'], delayMs: 20 });
    await box.fill('Will this work?');
    await box.press('Enter');
    await eventually(() => answers.last().textContent()).toContain('The answer could not be completed.');
    await answers.last().getByRole('button', { name: 'Retry' }).click();
    await eventually(() => answers.last().textContent()).toContain('Recovered after a retry.');
    expect(await answers.last().textContent()).not.toContain('could not be completed');

    // 4. Thumbs-up on the recovered answer: pressed in the widget and stored on the server.
    const helpful = answers.last().getByRole('button', { name: 'Helpful', exact: true });
    await helpful.click();
    await eventually(() => helpful.getAttribute('aria-pressed')).toBe('true');
    // The button turns pressed at once (optimistic); the server has it a moment later.
    await eventually(async () => (await visitorConversation()).messages.at(-1)?.feedback).toBe('up');
    const stored = await visitorConversation();
    const finalAnswer = stored.messages.at(-1)!;
    expect(finalAnswer).toMatchObject({
      role: 'assistant',
      status: 'complete',
      text: 'Recovered after a retry.',
      feedback: 'up',
    });
    // The retried answer replaced the failed one: one answer per question, no error left behind.
    expect(stored.messages.map((m) => `${m.role}:${m.status}`)).toEqual([
      'user:complete',
      'assistant:complete',
      'user:complete',
      'assistant:stopped',
      'user:complete',
      'assistant:complete',
    ]);

    await keepScreenshot(page, 'journey-1-visitor');
    expect(errors).toEqual([]);
  });
});

describe('journey 8: the host page’s own errors', () => {
  it('the widget adds no console error, uncaught exception or global beyond ChatWidget through a whole visit', async () => {
    // The host page has an error of its own, and watches for everything thrown or rejected.
    await page.addInitScript(() => {
      const w = window as unknown as { hostSeen: string[]; globalsBefore: string[] };
      w.globalsBefore = Object.getOwnPropertyNames(window);
      w.hostSeen = [];
      window.addEventListener('error', (e) => w.hostSeen.push(`error: ${e.message}`));
      window.addEventListener('unhandledrejection', (e) => w.hostSeen.push(`rejection: ${String(e.reason)}`));
      window.addEventListener('load', () => {
        setTimeout(() => {
          throw new Error('the host page’s own bug');
        });
      });
    });
    const ui = widgetUi(page);
    await page.goto(`${server.url}/`);
    await eventually(() => errors.length).toBe(1);
    await ui.open();
    gemini.enqueue({ chunks: words(40, 'w'), delayMs: 60 });
    await ui.box.fill('Hello');
    await ui.box.press('Enter');
    await eventually(() => ui.answers.last().textContent()).toContain('w2');
    await ui.stop.click();
    await eventually(() => ui.answers.last().textContent()).toContain('Stopped.');
    await ui.box.fill('And again');
    await ui.box.press('Enter');
    await eventually(() => ui.answers.last().getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(1);
    await page.getByRole('button', { name: 'New conversation' }).click();
    await eventually(() => ui.questions.count()).toBe(0);
    await page.getByRole('button', { name: 'Close chat' }).click();
    await page.evaluate(() => (window as unknown as { ChatWidget: { destroy(): void } }).ChatWidget.destroy());
    expect(await page.locator('[data-chat-widget]').count()).toBe(0);

    const seen = await page.evaluate(() => {
      const w = window as unknown as { hostSeen: string[]; globalsBefore: string[] };
      const before = new Set(w.globalsBefore);
      return { hostSeen: w.hostSeen, added: Object.getOwnPropertyNames(window).filter((name) => !before.has(name)) };
    });
    // Only the host's own bug, reported once, and only the one namespace.
    expect(seen.hostSeen).toEqual(['error: Uncaught Error: the host page’s own bug']);
    expect(errors).toEqual(['uncaught: the host page’s own bug']);
    expect(seen.added.filter((name) => !['hostSeen', 'globalsBefore'].includes(name))).toEqual(['ChatWidget']);
  });
});
