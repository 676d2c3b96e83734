// Injected content: XSS payloads as visitor text, as the site's name, title, greeting, starter prompts and FAQ
// answers (which the offline provider then says back as model output), as image file names, and as Gemini's own
// output through the fake; rendered by the widget (live and from history) and by the dashboard. No dialog opens,
// no injected script runs, no element carries an event handler or a javascript: URL.
import type { Browser, Dialog, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatModel } from '../server/ai/ChatModel.js';
import { createGeminiModel } from '../server/ai/geminiModel.js';
import { createOfflineModel } from '../server/ai/offlineModel.js';
import { type FakeGemini, startFakeGemini } from '../server/test/fakeGemini.js';
import { reportFigures } from '../server/test/reliability/figures.js';
import { keepFailureScreenshots, keepScreenshot, launchBrowser } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { type DomFindings, inspectDom } from './injection/inspect.js';
import { XSS_PAYLOADS } from './injection/payloads.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;
let browser: Browser;
let gemini: FakeGemini;
const offline = createOfflineModel({ chunkDelayMs: 0 });
let upstream: ChatModel = offline;
/** The server's provider: Gemini through the fake, or the offline FAQ provider, per step. */
const model: ChatModel = { name: 'switch', stream: (request) => upstream.stream(request) };

const TITLE = '<img src=x onerror=alert(1)>';
const dialogs: string[] = [];
const figures = {
  payloads: XSS_PAYLOADS.length,
  injectionPoints: 0,
  pagesRendered: 0,
  dialogs: 0,
  scriptsRun: 0,
  handlers: 0,
  javascriptLinks: 0,
};

beforeAll(async () => {
  gemini = await startFakeGemini();
  server = await startE2eServer(import.meta.url, { model });
  browser = await launchBrowser();
  const viaFake = createGeminiModel({ apiKey: gemini.apiKey, model: 'gemini-2.5-flash', baseUrl: gemini.url });
  upstream = viaFake;
  // The site's own words, written by an admin: every text field the widget and dashboard show.
  const greeting = XSS_PAYLOADS.filter((p) => p.length < 60)
    .slice(0, 8)
    .join(' ');
  await server.admin(`/v1/admin/sites/${server.demoSite.id}`, {
    method: 'PATCH',
    json: {
      name: 'Demo <svg onload=alert(1)> site',
      look: {
        title: TITLE,
        greeting: greeting.slice(0, 500),
        starterPrompts: XSS_PAYLOADS.filter((p) => p.length <= 120).slice(8, 12),
      },
      faq: XSS_PAYLOADS.map((payload, i) => ({ question: `injection question ${i}`, answer: `Answer ${i}: ${payload}` })),
    },
  });
  figures.injectionPoints += 5;
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await gemini?.close();
  reportFigures('injection', figures);
});
afterEach((ctx) => keepFailureScreenshots(ctx, browser));

function watchDialogs(page: Page) {
  page.on('dialog', (dialog: Dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
}

function expectClean(findings: DomFindings, where: string) {
  figures.pagesRendered++;
  figures.dialogs = dialogs.length;
  figures.scriptsRun += findings.xss.length;
  figures.handlers += findings.handlers.length;
  figures.javascriptLinks += findings.dangerousUrls.length;
  expect(dialogs, where).toEqual([]);
  expect(findings.xss, where).toEqual([]);
  expect(findings.handlers, where).toEqual([]);
  expect(findings.dangerousUrls, where).toEqual([]);
  expect(findings.activeElements, where).toEqual([]);
}

/** Sends one message through the widget and waits for the whole answer. */
async function ask(page: Page, text: string) {
  const ui = widgetUi(page);
  await ui.box.fill(text);
  await ui.box.press('Enter');
  await eventually(() => ui.log.getAttribute('aria-busy'), 20_000).toBe('false');
}

/** Hovers, focuses and clicks what the log shows, so handlers bound to those events would fire. */
async function poke(page: Page, scope: string) {
  const targets = page.locator(`${scope} a, ${scope} img, ${scope} button:not([disabled])`);
  const count = Math.min(await targets.count(), 40);
  for (let i = 0; i < count; i++) {
    const target = targets.nth(i);
    await target.hover({ timeout: 1000, force: true }).catch(() => {});
    await target.focus({ timeout: 1000 }).catch(() => {});
  }
}

describe('injected content in the widget and the dashboard', () => {
  let conversationText = '';

  it('the widget renders every payload as text, live and from history', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watchDialogs(page);
    await page.goto(`${server.url}/`);
    const ui = widgetUi(page);
    await ui.open(TITLE);
    // The site's title is the dialog's name, as text.
    expect(await ui.dialog.getAttribute('aria-label')).toBe(TITLE);

    // Visitor text, echoed back by Gemini (the fake's default): payloads as the visitor's words and as model output.
    const groups: string[][] = [];
    for (let i = 0; i < XSS_PAYLOADS.length; i += 10) groups.push(XSS_PAYLOADS.slice(i, i + 10));
    for (const group of groups) await ask(page, group.join('\n\n'));
    figures.injectionPoints += 2;

    // Gemini's own output, split mid-tag across stream chunks.
    const everything = XSS_PAYLOADS.join('\n\n');
    gemini.enqueue({ chunks: everything.match(/[\s\S]{1,7}/g) ?? [] });
    await ask(page, 'Say something dangerous');
    figures.injectionPoints++;

    // The FAQ answers, said back by the offline provider as model output.
    upstream = offline;
    for (const i of [0, 7, 33, 41]) await ask(page, `injection question ${i}`);
    figures.injectionPoints++;

    // Image file names.
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#884422' } })
      .png()
      .toBuffer();
    for (const name of ['"><img src=x onerror=alert(1)>.png', 'javascript:alert(1).png', '<svg onload=window.__xss=1>.png']) {
      await ui.picker.setInputFiles({ name, mimeType: 'image/png', buffer: png });
      await eventually(() => page.locator('[data-chat-widget] .att.done').count()).toBeGreaterThan(0);
      await ask(page, 'a picture');
    }
    figures.injectionPoints++;

    await poke(page, '[data-chat-widget]');
    expectClean(await inspectDom(page, { allowScriptsFrom: server.url }), 'widget, live');
    // The words are shown as the visitor typed them.
    const log = (await ui.log.textContent()) ?? '';
    expect(log).toContain('<script>window.__xss=1</script>');
    expect(log).toContain('<img src=x onerror="window.__xss=1">');
    // Model output did arrive: Gemini's echo, its chunked payloads, and the FAQ answers via the offline provider.
    expect(log).toContain('Echo:');
    expect(log).toContain('Answer 7:');
    await keepScreenshot(page, 'injection-widget');

    // From history after a reload: the same, rendered from stored messages.
    await page.reload();
    await ui.open(TITLE);
    await eventually(() => ui.questions.count()).toBeGreaterThanOrEqual(groups.length);
    await poke(page, '[data-chat-widget]');
    expectClean(await inspectDom(page, { allowScriptsFrom: server.url }), 'widget, history');
    conversationText = log;
    await context.close();
  }, 180_000);

  it('the inspector itself sees planted handlers, javascript: links, frames and a set __xss', async () => {
    const page = await browser.newPage();
    await page.setContent('<div id="host"></div>');
    await page.evaluate(() => {
      const root = (document.getElementById('host') as HTMLElement).attachShadow({ mode: 'open' });
      const link = document.createElement('a');
      link.setAttribute('href', ' JavaScript:void 0');
      link.setAttribute('onmouseover', 'void 0');
      root.append(link, document.createElement('iframe'));
      (window as unknown as { __xss: number }).__xss = 1;
    });
    const findings = await inspectDom(page, { allowScriptsFrom: server.url });
    expect(findings.handlers).toHaveLength(1);
    expect(findings.dangerousUrls).toHaveLength(1);
    expect(findings.activeElements).toHaveLength(1);
    expect(findings.xss).toEqual([1]);
    await page.close();
  });

  it('the dashboard renders the conversation, the list and the site editor without running any of it', async () => {
    expect(conversationText).not.toBe('');
    const list = await server.admin<{ items: { id: string; messageCount: number }[] }>('/v1/admin/conversations?limit=5');
    const conversation = list.items.sort((a, b) => b.messageCount - a.messageCount)[0];
    if (!conversation) throw new Error('no conversation');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watchDialogs(page);
    await page.goto(`${server.url}/dashboard/#token=${server.adminToken}`);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
    await eventually(() => page.locator('.row-title').count()).toBeGreaterThan(0);
    await poke(page, 'main');
    expectClean(await inspectDom(page, { allowScriptsFrom: server.url }), 'dashboard, conversation list');

    await page.locator(`a[href$="/conversations/${conversation.id}"]`).first().click();
    const transcript = page.getByRole('region', { name: 'Transcript' });
    await eventually(() => transcript.locator('a, p, li, pre, code, img').count()).toBeGreaterThan(0);
    await eventually(async () => ((await transcript.textContent()) ?? '').includes('<script>window.__xss=1</script>')).toBe(true);
    await poke(page, 'main');
    expectClean(await inspectDom(page, { allowScriptsFrom: server.url }), 'dashboard, conversation');
    await keepScreenshot(page, 'injection-dashboard-conversation');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    const siteLink = page.getByRole('link', { name: 'Demo <svg onload=alert(1)> site' });
    await siteLink.waitFor();
    await siteLink.click();
    await page.getByLabel('Greeting').waitFor();
    // The live preview renders the widget with the site's words inside the dashboard.
    const preview = page.frameLocator('iframe[title="Widget preview with unsaved changes"]');
    await eventually(() => preview.getByRole('log').textContent()).toContain('<script>');
    await poke(page, 'main');
    expectClean(await inspectDom(page, { allowScriptsFrom: server.url }), 'dashboard, site editor');
    for (const frame of page.frames().slice(1)) {
      const findings = await frame.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
      expect(findings, 'preview frame').toBeUndefined();
    }
    await context.close();
  }, 120_000);
});
