// The ESM embed example (examples/esm-app/): the page imports the widget's module build and drives it through the
// page API: its own button opens the chat, a demo user is identified, and the widget's events reach the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminConversation, Page as ListPage } from '../contract/index.js';
import { browserContexts, keepScreenshot, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
});
afterAll(async () => {
  await server?.close();
});
// Registered after the server's hooks: the browser closes before it stops.
const chromium = browserContexts({ visitor: { width: 1280, height: 800 } });

describe('the ESM embed example', () => {
  it('opens from the page’s own button, lists the widget’s events, and goes on anonymously when identify is refused', async () => {
    const page = await chromium.visitor.newPage();
    const errors = watchErrors(page);
    const ui = widgetUi(page);
    await page.goto(`${server.url}/examples/esm-app/`);
    await page.getByRole('button', { name: 'Sign in as Ada' }).click();
    await page.getByRole('button', { name: 'Ask us anything' }).click();
    await eventually(() => ui.dialog.getAttribute('aria-label')).toBe('Chat with us');
    await ui.box.fill('Can visitors send images?');
    await ui.box.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    const events = page.locator('#log');
    await eventually(() => events.textContent()).toContain('message:received');
    const lines = ((await events.textContent()) ?? '').split('\n').filter(Boolean);
    const names = lines.map((line) => line.split(/\s{2}/)[1]?.split(' ')[0]);
    // The demo site verifies no identities: Ada is refused with an error event and the page goes on anonymously.
    expect(lines.find((line) => line.includes(' error '))).toContain('"code":"identity_not_enabled"');
    expect(names.filter((name) => name !== 'error')).toEqual(['open', 'message:sent', 'message:received']);
    expect(await ui.answers.last().textContent()).toContain('JPEG, PNG, WebP or GIF');
    const list = await server.admin<ListPage<AdminConversation>>('/v1/admin/conversations');
    expect(list.items).toHaveLength(1);
    expect(JSON.stringify(list.items[0])).not.toContain('demo-ada');
    await keepScreenshot(page, 'esm-app');
    // Chromium logs the refused session (403) itself; nothing else may reach the console.
    expect(errors.filter((e) => !/status of 403 .*\/v1\/widget\/sessions/.test(e))).toEqual([]);
  });
});
