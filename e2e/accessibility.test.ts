// Journey 4: the widget by keyboard alone, and axe-core scans of the open widget and of every dashboard page:
// no serious or critical violation anywhere.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.js';
import { keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
  browser = await launchBrowser();
  // The dashboard's CSP allows scripts from itself only: bypassed here so the scanner can be injected.
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});
afterEach((ctx) => keepFailureScreenshots(ctx, browser));

/** The accessible name of whatever has focus, looking through the widget's shadow root. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? null;
  });

async function tabTo(page: Page, name: string, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 20) {
  for (let i = 0; i < max; i++) {
    if ((await focused(page)) === name) return;
    await page.keyboard.press(key);
  }
  throw new Error(`focus never reached "${name}" (last: ${await focused(page)})`);
}

describe('journey 4: keyboard and accessibility', () => {
  it('works by keyboard alone: launcher, message, send, rate, close with Esc; axe finds nothing serious', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const ui = widgetUi(page);
    await page.goto(`${server.url}/`);
    // The launcher comes last in the tab order, after the page's own links.
    await tabTo(page, 'Open chat');
    expect(await seriousViolations(page)).toEqual([]);

    await page.keyboard.press('Enter');
    await eventually(() => focused(page)).toBe('Message');
    expect(await ui.launcher.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.type('Where are conversations stored?');
    await page.keyboard.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    await eventually(() => ui.answers.last().getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(1);
    // Focus stays in the message box for the next question.
    expect(await focused(page)).toBe('Message');

    await tabTo(page, 'Helpful', 'Shift+Tab');
    await page.keyboard.press('Space');
    await eventually(() =>
      ui.answers.last().getByRole('button', { name: 'Helpful', exact: true }).getAttribute('aria-pressed'),
    ).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, 'journey-4-keyboard');

    await page.keyboard.press('Escape');
    await eventually(() => ui.dialog.isHidden()).toBe(true);
    expect(await focused(page)).toBe('Open chat');
    expect(await ui.launcher.getAttribute('aria-expanded')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('every dashboard page, and the sign-in screen, has no serious or critical axe violation', async () => {
    const image = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#7a9e7e' } })
      .png()
      .toBuffer();
    const conversationId = await server.visitorAsks('Can visitors send images?', image);
    await server.admin(`/v1/admin/sites/${server.demoSite.id}/sources`, {
      method: 'POST',
      json: { type: 'text', title: 'Opening hours', text: 'We answer questions on weekdays from nine to five.' },
    });
    // A question the knowledge does not answer (for the Unanswered page) and a webhook endpoint.
    await server.visitorAsks('Do you deliver to Iceland on Sundays?');
    await server.admin('/v1/admin/webhooks', {
      method: 'POST',
      json: { url: 'https://hooks.example.com/in', events: ['message.created'] },
    });
    const page = await context.newPage();
    const errors = watchErrors(page);

    const pages: [name: string, path: string, ready: () => Promise<unknown>][] = [
      ['overview', `/dashboard/#token=${server.adminToken}`, () => page.locator('.state-loading').count()],
      ['inbox', '/dashboard/inbox', () => page.getByRole('heading', { name: 'Inbox', level: 1 }).count()],
      ['conversations', '/dashboard/conversations', () => page.locator('.row-title').count()],
      [
        'conversation',
        `/dashboard/conversations/${conversationId}`,
        () => page.getByRole('button', { name: /Open image/ }).count(),
      ],
      ['images', '/dashboard/images', () => page.getByRole('main').locator('img').count()],
      ['sites', '/dashboard/sites', () => page.getByRole('link', { name: 'Demo site' }).count()],
      ['site-editor', `/dashboard/sites/${server.demoSite.id}`, () => page.getByLabel('Greeting').count()],
      ['knowledge', `/dashboard/knowledge/${server.demoSite.id}`, () => page.locator('.source-title').count()],
      ['unanswered', `/dashboard/unanswered/${server.demoSite.id}`, () => page.locator('.unanswered-question').count()],
      ['webhooks', '/dashboard/webhooks', () => page.locator('.webhook-row').count()],
    ];
    const found: Record<string, unknown> = {};
    for (const [name, path, ready] of pages) {
      await page.goto(server.url + path);
      await eventually(ready).not.toBe(name === 'overview' ? 1 : 0);
      await eventually(() => page.locator('.state-loading').count()).toBe(0);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const violations = await seriousViolations(page);
      if (violations.length) found[name] = violations;
      await keepScreenshot(page, `journey-4-dashboard-${name}`);
    }

    // A wrong token: the sign-in screen, not a blank page.
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${server.url}/dashboard/#token=not-the-token`);
    await page.getByRole('heading', { name: 'Sign in to the dashboard' }).waitFor();
    const signIn = await seriousViolations(page);
    if (signIn.length) found['sign-in'] = signIn;
    expect(found).toEqual({});
    // The rejected token's 401 is the one expected console line.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await page.close();
  });
});
