// Journey 2: images by file picker and by paste, with upload progress and thumbnails, sent and kept in history;
// a file over the size limit is refused with a clear message and nothing is uploaded or sent.

import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];
let requests: Request[];

const png = (width: number, height: number, color: string) =>
  sharp({ create: { width, height, channels: 3, background: color } })
    .png()
    .toBuffer();

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  errors = watchErrors(page);
  requests = [];
  page.on('request', (request) => requests.push(request));
});
afterEach(async (ctx) => {
  await keepFailureScreenshots(ctx, browser);
  await context.close();
});

const uploads = () => requests.filter((r) => r.method() === 'POST' && r.url().endsWith('/v1/widget/images'));
const sends = () => requests.filter((r) => r.method() === 'POST' && /\/messages$/.test(r.url()));

/** Pastes a file into the message box the way a browser does: a paste event whose DataTransfer holds the file. */
async function pasteImage(bytes: Buffer, name: string, type: string) {
  await page.evaluate(
    ({ base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      const box = document.querySelector('[data-chat-widget]')?.shadowRoot?.querySelector('textarea');
      if (!box) throw new Error('no message box');
      box.focus();
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
    },
    { base64: bytes.toString('base64'), name, type },
  );
}

describe('journey 2: images', () => {
  it('attaches by picker (with progress) and by paste, sends both, and finds them again in history after a reload', async () => {
    const ui = widgetUi(page);
    await page.goto(`${server.url}/`);
    await ui.open();

    // Hold the first upload at the network so its in-progress state is observable, then let it through.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/v1/widget/images', async (route) => {
      await held;
      await route.continue();
    });
    const chooser = page.waitForEvent('filechooser');
    await ui.attach.click();
    await (await chooser).setFiles({ name: 'fern.png', mimeType: 'image/png', buffer: await png(640, 480, '#2f6b3a') });
    const fern = page.locator('[data-chat-widget] .att').filter({ has: page.getByAltText('fern.png') });
    await eventually(() => page.getByRole('progressbar', { name: 'Uploading… fern.png' }).count()).toBe(1);
    expect(await fern.getAttribute('class')).toContain('uploading');
    // Send waits for the upload: pressing it now only explains why.
    await ui.box.fill('What plants are these?');
    await ui.box.press('Enter');
    await eventually(() => ui.notice.textContent()).toBe('Uploading…');
    expect(sends()).toHaveLength(0);
    release();
    await eventually(() => fern.getAttribute('class')).toContain('done');
    await page.unroute('**/v1/widget/images');

    // The second image comes from the clipboard.
    await pasteImage(await png(300, 200, '#c0392b'), 'pasted.png', 'image/png');
    const pasted = page.locator('[data-chat-widget] .att').filter({ has: page.getByAltText('pasted.png') });
    await eventually(() => pasted.getAttribute('class')).toContain('done');
    // The thumbnails are the local previews of what was picked.
    for (const thumb of await page.locator('[data-chat-widget] .att img').all())
      expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(uploads()).toHaveLength(2);

    await ui.send.click();
    const question = ui.questions.last();
    await eventually(() => ui.answers.last().textContent()).toContain(
      "You attached 2 images (640×480 and 300×200). No AI model is configured, so I can't see what they show.",
    );
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    expect(await question.locator('img').count()).toBe(2);
    expect(await page.locator('[data-chat-widget] .att').count()).toBe(0);
    expect(JSON.parse(sends()[0]!.postData() ?? '{}').imageIds).toHaveLength(2);

    // History: after a reload the question comes back with both images, now served by the server.
    await page.reload();
    await ui.open();
    await eventually(() => ui.questions.count()).toBe(1);
    const stored = ui.questions.first().locator('img');
    expect(await stored.count()).toBe(2);
    for (const img of await stored.all()) {
      expect(await img.getAttribute('src')).toMatch(new RegExp(`^${server.url}/images/`));
      await eventually(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    }
    expect(await ui.questions.first().textContent()).toContain('What plants are these?');
    expect(await ui.answers.last().textContent()).toContain("so I can't see what they show.");
    await keepScreenshot(page, 'journey-2-images');
    expect(errors).toEqual([]);
  });

  it('refuses a file over 10 MB with a clear message, uploading and sending nothing', async () => {
    const ui = widgetUi(page);
    await page.goto(`${server.url}/`);
    await ui.open();
    const chooser = page.waitForEvent('filechooser');
    await ui.attach.click();
    const huge = Buffer.alloc(10 * 1024 * 1024 + 1);
    (await png(8, 8, '#000')).copy(huge);
    await (await chooser).setFiles({ name: 'huge.png', mimeType: 'image/png', buffer: huge });
    await eventually(() => ui.notice.textContent()).toBe('Images must be 10 MB or smaller.');
    expect(await page.getByRole('alert').textContent()).toBe('Images must be 10 MB or smaller.');
    expect(await page.locator('[data-chat-widget] .att').count()).toBe(0);
    expect(await ui.send.isDisabled()).toBe(true);
    await ui.box.press('Enter');
    expect(uploads()).toHaveLength(0);
    expect(sends()).toHaveLength(0);
    await keepScreenshot(page, 'journey-2-too-large');
    expect(errors).toEqual([]);
  });

  it('a file that only claims to be an image is refused by the server with a clear message', async () => {
    const ui = widgetUi(page);
    await page.goto(`${server.url}/`);
    await ui.open();
    const chooser = page.waitForEvent('filechooser');
    await ui.attach.click();
    await (await chooser).setFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('just some text, not a PNG'),
    });
    await eventually(() => ui.notice.textContent()).toBe('Only JPEG, PNG, WebP or GIF images can be sent.');
    expect(await page.locator('[data-chat-widget] .att.error').count()).toBe(1);
    expect(uploads()).toHaveLength(1);
    expect(sends()).toHaveLength(0);
    // The refused upload is a 415 the page's console reports as a failed resource, nothing from the widget itself.
    expect(errors.filter((e) => !/status of 415/.test(e))).toEqual([]);
  });
});
