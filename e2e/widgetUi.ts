import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Waits for a condition the page reaches on its own (an answer streaming in, a save landing). */
export const eventually = <T>(read: () => T | Promise<T>, timeout = 10_000) => expect.poll(read, { timeout, interval: 25 });

/**
 * The widget as a visitor finds it, by the accessible names the contract fixes (Playwright's role queries pierce
 * the open shadow root, as assistive technology does).
 */
export function widgetUi(page: Page) {
  const log = page.getByRole('log');
  return {
    host: page.locator('[data-chat-widget]'),
    launcher: page.getByRole('button', { name: 'Open chat' }),
    dialog: page.getByRole('dialog'),
    log,
    box: page.getByRole('textbox', { name: 'Message' }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    stop: page.getByRole('button', { name: 'Stop', exact: true }),
    attach: page.getByRole('button', { name: 'Attach image' }),
    picker: page.locator('[data-chat-widget] input[type=file]'),
    notice: page.locator('[data-chat-widget] .notice'),
    answers: log.locator('.msg:not(.user)'),
    questions: log.locator('.msg.user'),
    /** Sends a question from the message box and waits for its whole answer. */
    async ask(text: string) {
      const answers = await this.answers.count();
      await this.box.fill(text);
      await this.box.press('Enter');
      await eventually(() => this.answers.count()).toBe(answers + 1);
      await eventually(() => log.getAttribute('aria-busy')).toBe('false');
    },
    /** Opens the panel and waits until the session is up (the site's title is shown). */
    async open(title = 'Chat with us') {
      await this.launcher.click();
      await eventually(() => this.dialog.getAttribute('aria-label')).toBe(title);
      await eventually(() => page.locator('[data-chat-widget] .status').filter({ hasText: 'Connecting' }).count()).toBe(0);
    },
  };
}
export type WidgetUi = ReturnType<typeof widgetUi>;
