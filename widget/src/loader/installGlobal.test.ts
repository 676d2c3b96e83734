import { afterEach, describe, expect, it } from 'vitest';
import type { ChatWidgetApi } from '../types.js';
import { installGlobal } from './installGlobal.js';
import type { PanelModule } from './PanelContract.js';

type Win = Window & { ChatWidget?: Partial<ChatWidgetApi> & { q?: [keyof ChatWidgetApi, unknown[]][] } };

// The documented one-line snippet, run as a page would before the script tag loads.
const SNIPPET =
  "(function(w,m){var c=w.ChatWidget=w.ChatWidget||{q:[]};m.forEach(function(n){c[n]=c[n]||function(){c.q.push([n,[].slice.call(arguments)])}})})(window,['init','open','close','toggle','identify','on','destroy'])";

function script(attrs: Record<string, string>): HTMLScriptElement {
  const el = document.createElement('script');
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

const loads: string[] = [];
const loadPanel = (assetsUrl: string): Promise<PanelModule> => {
  loads.push(assetsUrl);
  return new Promise(() => {});
};

afterEach(() => {
  (window as Win).ChatWidget?.destroy?.();
  delete (window as Win).ChatWidget;
  loads.length = 0;
  document.body.replaceChildren();
});

describe('installGlobal (script tag + page API queue)', () => {
  it('replays calls queued by the snippet before the script loaded, in order, and keeps listeners', () => {
    new Function(SNIPPET)();
    const win = window as Win;
    const seen: string[] = [];
    win.ChatWidget!.on!('open', () => seen.push('open'));
    win.ChatWidget!.identify!({ id: 'u1' });
    win.ChatWidget!.init!({ siteKey: 'pk_queued', locale: 'fr' });
    win.ChatWidget!.open!();
    expect(win.ChatWidget!.q).toHaveLength(4);

    const api = installGlobal(win, script({ src: 'https://cdn.example.com/widget.js' }), loadPanel);
    expect(win.ChatWidget).toBe(api);
    expect(seen).toEqual(['open']);
    const host = document.querySelector('[data-chat-widget]') as HTMLElement;
    const launcher = host.shadowRoot!.querySelector('button')!;
    expect(launcher.getAttribute('aria-label')).toBe('Ouvrir le chat');
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    // Chunks resolve against the script's URL: /widget.js → /widget/<chunk>.
    expect(loads).toEqual(['https://cdn.example.com/widget/']);
  });

  it('starts from the data attributes alone, with the API origin defaulting to the script origin', () => {
    const api = installGlobal(
      window as Win,
      script({ src: 'https://chat.example.com/widget.js', 'data-site-key': 'pk_tag', 'data-locale': 'ar' }),
      loadPanel,
    );
    const host = document.querySelector('[data-chat-widget]') as HTMLElement;
    expect(host.style.getPropertyValue('all')).toBe('initial');
    expect(host.style.getPropertyPriority('position')).toBe('important');
    const root = host.shadowRoot!.querySelector('.cw') as HTMLElement;
    expect(root.dir).toBe('rtl');
    api.toggle();
    expect(host.shadowRoot!.querySelector('button')!.getAttribute('aria-expanded')).toBe('true');
    api.close();
    expect(host.shadowRoot!.querySelector('button')!.getAttribute('aria-expanded')).toBe('false');
    api.destroy();
    expect(document.querySelector('[data-chat-widget]')).toBeNull();
  });

  it('honours data-api-url and data-assets-url, and does not install twice', () => {
    const win = window as Win;
    const first = installGlobal(
      win,
      script({ src: 'https://a.example/widget.js', 'data-site-key': 'k', 'data-assets-url': 'https://cdn.example/w/' }),
      loadPanel,
    );
    const second = installGlobal(win, script({ src: 'https://a.example/widget.js', 'data-site-key': 'k' }), loadPanel);
    expect(second).toBe(first);
    expect(document.querySelectorAll('[data-chat-widget]')).toHaveLength(1);
    first.open();
    expect(loads).toEqual(['https://cdn.example/w/']);
  });
});
