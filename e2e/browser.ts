import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, type TestContext } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`), with the flags DEVELOPERS.md lists for CI containers. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');
const DOCS_SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

type Viewport = { width: number; height: number };

/**
 * A journey file's browser: one Chromium launched before its tests, with a context per name at its viewport (a
 * visitor's, an admin's: each its own cookies and storage), all closed after the tests; a failed test leaves a
 * screenshot of every open page. Call it at the file's top level after the hooks that start its servers, so the
 * browser closes before they stop. `browser` and the named contexts are there once the tests run.
 */
export function browserContexts<Name extends string>(
  viewports: Record<Name, Viewport> & { browser?: never },
): { browser: Browser } & Record<Name, BrowserContext> {
  const opened = { browser: undefined as unknown as Browser } as { browser: Browser } & Record<string, BrowserContext>;
  const names = Object.keys(viewports) as Name[];
  beforeAll(async () => {
    opened.browser = await launchBrowser();
    for (const name of names) opened[name] = await opened.browser.newContext({ viewport: viewports[name] });
  });
  afterEach((ctx) => keepFailureScreenshots(ctx, opened.browser));
  afterAll(async () => {
    for (const name of names) await opened[name]?.close();
    await opened.browser?.close();
  });
  return opened;
}

/**
 * Everything the page reports as going wrong: console errors, uncaught exceptions and unhandled rejections.
 * Journey 8: the widget must add none of these to its host page.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** Keeps a journey's end state as a CI artifact (`e2e/artifacts/`, git-ignored). */
export async function keepScreenshot(target: Page | Locator, name: string): Promise<Buffer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return target.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
}

/**
 * With `E2E_UPDATE_DOCS=1`, also refreshes the README's committed screenshot `docs/screenshots/<name>.png`:
 * at most 1000 px wide and palette-quantised, so each stays well under 150 KB.
 */
export async function keepDocScreenshot(png: Buffer, name: string): Promise<void> {
  if (process.env.E2E_UPDATE_DOCS !== '1') return;
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  const { width = 0 } = await sharp(png).metadata();
  await sharp(png)
    .resize({ width: Math.min(width, 1000) })
    .png({ palette: true, colours: 128, compressionLevel: 9, effort: 10 })
    .toFile(join(DOCS_SCREENSHOTS, `${name}.png`));
}

/** In an `afterEach`, before pages close: a failed test leaves a screenshot of every open page as an artifact. */
export async function keepFailureScreenshots(ctx: TestContext, browser: Browser | undefined): Promise<void> {
  if (ctx.task.result?.state !== 'fail' || !browser) return;
  const slug = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  const pages = browser.contexts().flatMap((context) => context.pages());
  await Promise.all(pages.map((page, i) => keepScreenshot(page, `failed-${slug}-${i}`).catch(() => undefined)));
}
