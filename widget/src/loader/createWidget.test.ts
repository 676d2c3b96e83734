import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeServer, type FakeServer } from '../test/createFakeServer.js';
import { until } from '../test/until.js';
import type { ChatWidgetApi } from '../types.js';
import { createPageApi } from './createPageApi.js';
import { createWidget } from './createWidget.js';

let server: FakeServer;
let api: ChatWidgetApi;

beforeEach(() => {
  localStorage.clear();
  server = createFakeServer();
  // The page API over the real loader and panel chunk; only the network edge is scripted.
  api = createPageApi(
    (options, emit, user) =>
      createWidget(options, {
        loadPanel: () => import('../panel/mountPanel.js'),
        emit,
        user,
        fetch: server.fetch,
        XMLHttpRequest: server.XMLHttpRequest,
        storage: localStorage,
      }),
    { apiUrl: 'http://127.0.0.1:9' },
  );
});
afterEach(() => api.destroy());

function ui() {
  const host = document.querySelector('[data-chat-widget]') as HTMLElement;
  const shadow = host.shadowRoot!;
  return {
    host,
    title: () => shadow.querySelector('h2')?.textContent,
    greeting: () => shadow.querySelector('[role=log] > .msg')?.textContent,
    starters: () => [...shadow.querySelectorAll('.starter')].map((b) => b.textContent),
    left: () => shadow.querySelector('.cw')!.classList.contains('left'),
    dialogName: () => shadow.querySelector('[role=dialog]')?.getAttribute('aria-label'),
  };
}

describe('look overrides (the dashboard preview of unsaved settings)', () => {
  it('init({ look }) wins over the site’s look field by field, and preview() swaps it live on the same session', async () => {
    api.init({
      siteKey: server.siteKey,
      open: true,
      look: { title: 'Draft title', accentColor: '#aa0000', starterPrompts: ['Draft prompt?'], greeting: undefined },
    });
    const w = ui();
    // Painted before any request: the launcher already has the override's colour.
    expect(w.host.style.getPropertyValue('--cw-accent')).toBe('#aa0000');
    await until(() => w.starters().length);
    expect(w.title()).toBe('Draft title');
    expect(w.dialogName()).toBe('Draft title');
    expect(w.starters()).toEqual(['Draft prompt?']);
    // Fields not overridden (and an explicit undefined) keep the site's values.
    expect(w.greeting()).toBe('Hi! How can we help?');
    expect(w.left()).toBe(false);
    // The session's look arriving does not undo the override.
    expect(w.host.style.getPropertyValue('--cw-accent')).toBe('#aa0000');

    const sessions = server.requests.filter((r) => r.path === 'sessions').length;
    api.preview({ title: 'Second draft', greeting: 'Welcome, draft!', accentColor: '#004400', position: 'bottom-left' });
    await until(() => w.title() === 'Second draft');
    expect(w.greeting()).toBe('Welcome, draft!');
    expect(w.host.style.getPropertyValue('--cw-accent')).toBe('#004400');
    expect(w.host.style.getPropertyValue('--cw-on-accent')).toBe('#ffffff');
    expect(w.left()).toBe(true);
    // A preview replaces the previous overrides: starters fall back to the site's.
    expect(w.starters()).toEqual(['What do you sell?', 'Opening hours?']);
    // Same widget, same session: no re-init.
    expect(document.querySelectorAll('[data-chat-widget]')).toHaveLength(1);
    expect(server.requests.filter((r) => r.path === 'sessions')).toHaveLength(sessions);
  });

  it('ignores an accent colour that is not a #rrggbb hex, and preview() before init is a no-op', async () => {
    api.preview({ title: 'Too early' });
    expect(document.querySelector('[data-chat-widget]')).toBeNull();
    api.init({ siteKey: server.siteKey, open: true, look: { accentColor: 'red;background:url(x)' } });
    const w = ui();
    await until(() => w.title() === 'Acme help');
    expect(w.host.style.getPropertyValue('--cw-accent')).toBe('#2563eb');
  });
});
