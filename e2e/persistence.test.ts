// Journey 3: the conversation survives a reload, and a second tab of the same browser shows (and follows) it.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdminConversation, Page as ListPage } from '../contract/index.js';
import { keepDocScreenshot, keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});
afterEach((ctx) => keepFailureScreenshots(ctx, browser));

describe('journey 3: persistence', () => {
  it('shows the history after a reload, and the same conversation in a second tab, which both follow', async () => {
    const first = await context.newPage();
    const errors = watchErrors(first);
    const a = widgetUi(first);
    await first.goto(`${server.url}/`);
    await a.open();
    // A starter prompt asks the demo FAQ; the offline provider answers from it in markdown.
    await first.getByRole('button', { name: 'How do I add the widget to my site?' }).click();
    await eventually(() => a.answers.last().locator('code').count()).toBe(2);
    expect(await a.answers.last().locator('code').last().textContent()).toContain('<script src=');
    await eventually(() => a.log.getAttribute('aria-busy')).toBe('false');
    const answer = await a.answers.last().textContent();
    await keepDocScreenshot(await keepScreenshot(first, 'journey-3-answer'), 'widget-demo-page');

    await first.reload();
    await a.open();
    await eventually(() => a.questions.count()).toBe(1);
    expect(await a.questions.first().textContent()).toContain('How do I add the widget to my site?');
    expect(await a.answers.last().textContent()).toBe(answer);
    // The starter prompts are for empty conversations only.
    expect(await first.getByRole('button', { name: 'Can visitors send images?' }).count()).toBe(0);

    const second = await context.newPage();
    const secondErrors = watchErrors(second);
    const b = widgetUi(second);
    await second.goto(`${server.url}/`);
    await b.open();
    await eventually(() => b.questions.count()).toBe(1);
    expect(await b.answers.last().textContent()).toBe(answer);

    // A turn in the second tab shows up in the first without a reload.
    await b.box.fill('Can visitors send images?');
    await b.box.press('Enter');
    await eventually(() => b.log.getAttribute('aria-busy')).toBe('false');
    await eventually(() => b.answers.last().textContent()).toContain('JPEG, PNG, WebP or GIF');
    await eventually(() => a.questions.count()).toBe(2);
    await eventually(() => a.answers.last().textContent()).toContain('JPEG, PNG, WebP or GIF');

    const list = await server.admin<ListPage<AdminConversation>>('/v1/admin/conversations');
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.messageCount).toBe(4);
    await keepScreenshot(first, 'journey-3-first-tab');
    await keepScreenshot(second, 'journey-3-second-tab');
    expect([...errors, ...secondErrors]).toEqual([]);
  });
});
