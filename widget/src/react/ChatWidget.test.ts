// The React binding in a browser-like DOM, with real React (not the widget project's preact/compat alias) and the
// real widget behind it; only the network edge is the widget tests' fake server. No JSX: this project compiles JSX
// for the widget's own Preact modules.
import { act, createElement, type ReactNode, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeServer, type FakeServer } from '../test/createFakeServer.js';
import { until as waitUntil } from '../test/until.js';
import { ChatWidget, type ChatWidgetControls, type ChatWidgetProps, useChatWidget } from './index.js';

// Tells React that updates in these tests are wrapped in act().
Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true });

let server: FakeServer;
let container: HTMLElement;
let root: Root;

beforeEach(() => {
  localStorage.clear();
  server = createFakeServer();
  vi.stubGlobal('fetch', server.fetch);
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(async () => {
  await act(() => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

const hosts = () => document.querySelectorAll('[data-chat-widget]');
const launcher = () => hosts()[0]?.shadowRoot?.querySelector('button.launcher') ?? null;
const render = (node: ReactNode) => act(() => root.render(createElement(StrictMode, null, node)));
const widget = (props: Partial<ChatWidgetProps> & { key?: string } = {}) =>
  createElement(ChatWidget, { siteKey: server.siteKey, apiUrl: 'http://127.0.0.1:9', ...props });
// Generous: the first open compiles the panel's modules, slow on a loaded machine.
const until = (check: () => unknown) => waitUntil(check, 10_000);

/** A component of the host app that drives the widget through the hook. */
let controls: ChatWidgetControls | undefined;
function OwnButton() {
  controls = useChatWidget();
  return null;
}

describe('<ChatWidget> and useChatWidget()', () => {
  it('mounts one widget under StrictMode’s double mount, and removes it on unmount', async () => {
    await render(widget());
    expect(hosts()).toHaveLength(1);
    expect(launcher()?.getAttribute('aria-label')).toBe('Open chat');
    expect(container.innerHTML).toBe('');
    await act(() => root.unmount());
    expect(hosts()).toHaveLength(0);
    root = createRoot(container);
  });

  it('opens and closes through the hook, each event reaching its prop once, and none after unmount', async () => {
    const onOpen = vi.fn();
    const onClose = vi.fn();
    await render([widget({ onOpen, onClose, key: 'w' }), createElement(OwnButton, { key: 'b' })]);
    await act(() => controls?.open());
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(launcher()?.getAttribute('aria-expanded')).toBe('true');
    await act(() => controls?.close());
    expect(onClose).toHaveBeenCalledTimes(1);
    // A listener of the page's own, through the hook's `on`.
    const seen: string[] = [];
    const off = controls?.on('open', () => seen.push('open'));
    await act(() => controls?.toggle());
    expect(seen).toEqual(['open']);
    off?.();
    await act(() => root.unmount());
    controls?.open();
    expect(onOpen).toHaveBeenCalledTimes(2);
    root = createRoot(container);
  });

  it('starts the session with the given user, answers through the real panel, and restarts only when an option changes', async () => {
    const onMessageReceived = vi.fn();
    const user = { id: 'u-1', name: 'Ada' };
    await render(widget({ open: true, user, onMessageReceived }));
    await until(() => server.sessionBodies.length);
    expect(server.sessionBodies[0]).toMatchObject({ siteKey: server.siteKey, user: { id: 'u-1', name: 'Ada' } });
    const shadow = hosts()[0]?.shadowRoot as ShadowRoot;
    await until(() => shadow.querySelector('textarea'));
    const host = hosts()[0];
    // A new but equal `user` object and a new listener: the same widget, no restart.
    await render(widget({ open: true, user: { ...user }, onMessageReceived: (m) => onMessageReceived(m) }));
    expect(hosts()[0]).toBe(host);
    const box = shadow.querySelector('textarea') as HTMLTextAreaElement;
    box.value = 'Hello';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => onMessageReceived.mock.calls.length);
    expect(onMessageReceived.mock.calls[0]?.[0]).toMatchObject({ role: 'assistant', text: 'You said: Hello' });
    // Another corner is another option: the widget restarts, still one.
    await render(widget({ open: true, user, position: 'bottom-left' }));
    expect(hosts()).toHaveLength(1);
    expect(hosts()[0]).not.toBe(host);
  });
});
