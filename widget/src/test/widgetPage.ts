import { afterEach, beforeEach } from 'vitest';
import { createWidget, type WidgetHandle } from '../loader/createWidget.js';
import type { WidgetEvent } from '../types.js';
import { createFakeServer, type FakeServer } from './createFakeServer.js';
import { until } from './until.js';

/**
 * A widget on a happy-dom page against the fake server, with the queries a visitor's eyes make (a second call is
 * another tab or a reload: same storage, same server). Destroy it with `widget.destroy()`.
 */
export function widgetPage(server: FakeServer, emit: (event: WidgetEvent) => void, options: { locale?: string } = {}) {
  const widget = createWidget(
    { siteKey: server.siteKey, apiUrl: 'http://127.0.0.1:9', ...options },
    {
      loadPanel: () => import('../panel/mountPanel.js'),
      emit,
      fetch: server.fetch,
      XMLHttpRequest: server.XMLHttpRequest,
      storage: localStorage,
    },
  );
  const shadow = widget.host.shadowRoot!;
  const $ = <T extends Element = HTMLElement>(selector: string) => shadow.querySelector(selector) as T | null;
  const byLabel = (label: string) => $<HTMLElement>(`[aria-label="${label}"]`);
  const buttons = (text: string) => [...shadow.querySelectorAll('button')].filter((b) => b.textContent === text);
  const text = () => $('.panel')?.textContent ?? '';
  const bubbles = () => [...shadow.querySelectorAll('.msg')].map((m) => m.textContent);
  async function open() {
    byLabel('Open chat')!.click();
    await until(() => $('h2')?.textContent === 'Acme help' && $('[role=log]'));
  }
  async function send(message: string) {
    const box = byLabel('Message') as HTMLTextAreaElement;
    box.value = message;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await until(() => buttons('Send')[0]?.disabled === false);
    buttons('Send')[0]!.click();
    await until(() => bubbles().includes(`You: ${message}`) && buttons('Send')[0] && !$('[aria-busy=true]'));
  }
  return { widget, shadow, $, byLabel, buttons, text, bubbles, open, send };
}

/**
 * The widgets a test file's tests put on the page: before each test a cleared storage, a new fake `server` and no
 * `events`; after it, every widget the test started is destroyed. `start` puts one more on the page (another tab, or a
 * reload) and collects what it emits in `events`.
 */
export function widgetPages() {
  const widgets: WidgetHandle[] = [];
  const pages = {
    server: createFakeServer(),
    events: [] as WidgetEvent[],
    start(options: { locale?: string } = {}) {
      const ui = widgetPage(pages.server, (event) => pages.events.push(event), options);
      widgets.push(ui.widget);
      return ui;
    },
  };
  beforeEach(() => {
    localStorage.clear();
    pages.server = createFakeServer();
    pages.events = [];
  });
  afterEach(() => {
    for (const widget of widgets.splice(0)) widget.destroy();
  });
  return pages;
}
