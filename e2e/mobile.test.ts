// Journey 5: on a phone (390×844, touch) the panel fills the screen, the composer stays in view, and the page
// behind does not scroll while it is open.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

const VIEWPORT = { width: 390, height: 844 };

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: VIEWPORT, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});
afterEach((ctx) => keepFailureScreenshots(ctx, browser));

/** A finger dragged upwards from (x, y) as raw touch events (the content moves up, the page would scroll down). */
async function swipeUp(page: Page, x: number, y: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let i = 1; i <= 10; i++)
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x, y: Math.max(0, y - i * 30) }] });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
  // Scrolling settles on the compositor; one frame round trip makes it visible to the page.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

const within = (box: { x: number; y: number; width: number; height: number } | null) =>
  !!box && box.x >= 0 && box.y >= 0 && box.x + box.width <= VIEWPORT.width && box.y + box.height <= VIEWPORT.height;

describe('journey 5: mobile', () => {
  it('opens full screen with the composer in view, chats by touch, and locks the page scroll until closed', async () => {
    const page = await context.newPage();
    const errors = watchErrors(page);
    const ui = widgetUi(page);
    await page.goto(`${server.url}/`);
    // A host page long enough to scroll.
    await page.evaluate(() => {
      const filler = document.createElement('section');
      filler.style.height = '3000px';
      filler.textContent = 'More of the host page';
      document.body.append(filler);
      window.scrollTo(0, 200);
    });

    await ui.launcher.tap();
    await eventually(() => ui.dialog.getAttribute('aria-label')).toBe('Chat with us');
    // Once its short slide-in is over, the panel covers the whole screen.
    await eventually(() => ui.dialog.boundingBox()).toEqual({ x: 0, y: 0, ...VIEWPORT });
    expect(within(await ui.box.boundingBox())).toBe(true);
    expect(within(await ui.send.boundingBox())).toBe(true);
    expect(within(await ui.attach.boundingBox())).toBe(true);
    // No autofocus on touch: the on-screen keyboard must not pop up over the page by itself.
    expect(await page.evaluate(() => document.querySelector('[data-chat-widget]')?.shadowRoot?.activeElement?.tagName)).not.toBe(
      'TEXTAREA',
    );

    // The page behind stays put, whatever the finger does on the panel.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).toBe('hidden');
    await swipeUp(page, 195, 400);
    await swipeUp(page, 195, 330);
    await swipeUp(page, 195, 840);
    expect(await page.evaluate(() => window.scrollY)).toBe(200);

    await ui.box.tap();
    await ui.box.fill('Where are conversations stored?');
    await ui.send.tap();
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    await eventually(() => ui.answers.last().getByRole('button', { name: 'Helpful', exact: true }).count()).toBe(1);
    expect(within(await ui.box.boundingBox())).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(200);
    await keepScreenshot(page, 'journey-5-mobile');

    // Closed, the page scrolls again under the same gesture (so the gesture above was a real one).
    await page.getByRole('button', { name: 'Close chat' }).tap();
    await eventually(() => ui.dialog.isHidden()).toBe(true);
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
    await swipeUp(page, 195, 400);
    await eventually(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(200);
    expect(errors).toEqual([]);
    await page.close();
  });
});
