// Journey 6: on a page whose CSS resets and hides everything and whose strict CSP allows only nonce'd scripts and
// styles, the widget looks the same as on the plain page (screenshot diff) and works (session, answer, image).
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { inCircle, inRoundedBox, pixelDiff } from './pixelDiff.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach((ctx) => keepFailureScreenshots(ctx, browser));

/** A fresh visitor on `path` with the panel open; CSP violations are collected in `window.cspViolations`. */
async function openOn(path: string, { noConstructableSheets = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // A browser without constructable stylesheets: the widget falls back to <style nonce> elements.
  if (noConstructableSheets)
    await context.addInitScript(() => {
      Object.defineProperty(CSSStyleSheet.prototype, 'replaceSync', { value: undefined });
    });
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = watchErrors(page);
  const ui = widgetUi(page);
  await page.goto(server.url + path);
  await ui.open();
  await page.getByRole('button', { name: 'Where are conversations stored?' }).waitFor();
  // Let the panel's short slide-in finish before pictures are taken.
  await eventually(() => page.evaluate(() => document.getAnimations().length === 0 && true)).toBe(true);
  await eventually(() =>
    page.evaluate(
      () =>
        document
          .querySelector('[data-chat-widget]')
          ?.shadowRoot?.getAnimations()
          .filter((a) => a.playState === 'running').length,
    ),
  ).toBe(0);
  return { page, errors, ui, close: () => context.close() };
}

async function pictures(page: Page) {
  const ui = widgetUi(page);
  const panel = (await ui.dialog.boundingBox())!;
  const launcher = (await ui.launcher.boundingBox())!;
  return {
    panel,
    launcher,
    panelPng: await page.screenshot({ clip: panel, animations: 'disabled' }),
    launcherPng: await page.screenshot({ clip: launcher, animations: 'disabled' }),
  };
}

const cspViolations = (page: Page) => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

describe('journey 6: hostile host page', () => {
  it('the widget looks the same as on the plain page and works under the strict CSP', async () => {
    const plain = await openOn('/');
    const calm = await pictures(plain.page);
    await keepScreenshot(plain.page, 'journey-6-plain');
    expect(plain.errors).toEqual([]);
    await plain.close();

    const hostile = await openOn('/examples/hostile/');
    const { page, ui, errors } = hostile;
    // The page's own rules are in force (its button is gone, its text is huge)…
    expect(await page.getByRole('button', { name: 'A page button' }).isVisible()).toBe(false);
    expect(await page.evaluate(() => getComputedStyle(document.body).fontSize)).toBe('48px');
    // …and the widget is laid out, coloured and drawn as on the plain page.
    const rough = await pictures(page);
    expect(rough.panel).toEqual(calm.panel);
    expect(rough.launcher).toEqual(calm.launcher);
    await keepScreenshot(page, 'journey-6-hostile');
    const panelDiff = await pixelDiff(calm.panelPng, rough.panelPng, { inside: inRoundedBox(16) });
    const launcherDiff = await pixelDiff(calm.launcherPng, rough.launcherPng, { inside: inCircle() });
    expect(panelDiff).toBeLessThan(0.005);
    expect(launcherDiff).toBeLessThan(0.005);

    // It works under the CSP: an image (blob: preview, upload) and a streamed answer.
    const chooser = page.waitForEvent('filechooser');
    await ui.attach.click();
    const png = await sharp({ create: { width: 200, height: 150, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    await (await chooser).setFiles({ name: 'sky.png', mimeType: 'image/png', buffer: png });
    await eventually(() => page.locator('[data-chat-widget] .att.done').count()).toBe(1);
    expect(await page.locator('[data-chat-widget] .att img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(200);
    await ui.box.fill('Where are conversations stored?');
    await ui.box.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    await eventually(() => ui.answers.last().textContent()).toContain('You attached an image (200×150)');
    expect(await ui.answers.last().textContent()).toContain('embedded database');
    await eventually(() =>
      ui.questions
        .last()
        .locator('img')
        .evaluate((img: HTMLImageElement) => img.naturalWidth > 0),
    ).toBe(true);
    await keepScreenshot(page, 'journey-6-hostile-answer');

    expect(await cspViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await hostile.close();
  });

  it('falls back to <style> elements carrying the page nonce where constructable stylesheets are missing', async () => {
    const plain = await openOn('/');
    const calm = await pictures(plain.page);
    await plain.close();

    const hostile = await openOn('/examples/hostile/', { noConstructableSheets: true });
    const { page, ui, errors } = hostile;
    const styles = await page.evaluate(() =>
      Array.from(document.querySelector('[data-chat-widget]')?.shadowRoot?.querySelectorAll('style') ?? [], (s) => s.nonce),
    );
    // The launcher's and the panel's styles, each allowed by the page's nonce (handed over as data-nonce).
    expect(styles).toEqual(['hostile-example-nonce', 'hostile-example-nonce']);
    const rough = await pictures(page);
    expect(rough.panel).toEqual(calm.panel);
    expect(await pixelDiff(calm.panelPng, rough.panelPng, { inside: inRoundedBox(16) })).toBeLessThan(0.005);
    expect(await pixelDiff(calm.launcherPng, rough.launcherPng, { inside: inCircle() })).toBeLessThan(0.005);
    await ui.box.fill('Can visitors send images?');
    await ui.box.press('Enter');
    await eventually(() => ui.answers.last().textContent()).toContain('JPEG, PNG, WebP or GIF');
    await keepScreenshot(page, 'journey-6-hostile-style-fallback');
    expect(await cspViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await hostile.close();
  });
});
