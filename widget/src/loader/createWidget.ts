import type { SiteLook } from '../../../contract/index.js';
import { pickLocale } from '../i18n/locales.js';
import type { Emit, WidgetLook, WidgetOptions, WidgetUser } from '../types.js';
import { adoptStyles } from './adoptStyles.js';
import { launcherCss } from './launcherCss.js';
import type { PanelContext, PanelHandle, PanelModule } from './PanelContract.js';
import { readableTextColor } from './readableTextColor.js';
import { readCachedLook } from './readCachedLook.js';

export interface WidgetDeps {
  loadPanel: () => Promise<PanelModule>;
  emit: Emit;
  user?: WidgetUser | null;
  /** Test edges passed through to the panel. */
  fetch?: typeof fetch;
  XMLHttpRequest?: typeof XMLHttpRequest;
  storage?: Storage | null;
}

export interface WidgetHandle {
  open(): void;
  close(): void;
  toggle(): void;
  identify(user: WidgetUser | null): void;
  preview(look: WidgetLook): void;
  destroy(): void;
  readonly host: HTMLElement;
}

const SVG = 'http://www.w3.org/2000/svg';
const ICON = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z';

/** Only the fields given: an `undefined` must not blank out the site's own value. */
const given = (look: WidgetLook | undefined): WidgetLook =>
  Object.fromEntries(Object.entries(look ?? {}).filter(([, value]) => value !== undefined));

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The loader's half of the widget: one host element with an open shadow root, the launcher, and the panel chunk
 * loaded on the first open or, ahead of it, on hover/focus or once the page is idle.
 */
export function createWidget(options: WidgetOptions & { apiUrl: string }, deps: WidgetDeps): WidgetHandle {
  const storage = deps.storage === undefined ? safeStorage() : deps.storage;
  const locale = pickLocale(options.locale, document.documentElement.lang);
  const host = document.createElement('div');
  const shadow = host.attachShadow({ mode: 'open' });
  const root = document.createElement('div');
  const launcher = document.createElement('button');
  let user = deps.user ?? null;
  let opened = false;
  let panel: PanelHandle | null = null;
  let loading: Promise<PanelHandle | null> | null = null;
  let destroyed = false;
  let siteLook: Partial<SiteLook> | null = readCachedLook(storage, options.siteKey);
  let override = given(options.look);

  const setHost = (name: string, value: string) => host.style.setProperty(name, value, 'important');
  // Inline !important beats any page rule, so hostile page CSS cannot hide, move or resize the widget.
  for (const [name, value] of Object.entries({
    all: 'initial',
    display: 'block',
    position: 'fixed',
    width: '0',
    height: '0',
    bottom: '0',
    right: '0',
  }))
    setHost(name, value);
  host.setAttribute('data-chat-widget', '');

  adoptStyles(shadow, launcherCss, options.nonce);
  root.className = 'cw';
  root.dir = locale.dir;
  root.lang = locale.lang;
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-label', locale.strings.openChat);
  launcher.setAttribute('aria-expanded', 'false');
  const svg = document.createElementNS(SVG, 'svg');
  const path = document.createElementNS(SVG, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  path.setAttribute('d', ICON);
  svg.append(path);
  launcher.append(svg);
  root.append(launcher);
  shadow.append(root);

  // The site's look (cached, then from the session) under the page's overrides: options, then `look`.
  const paint = () => {
    const look = { ...siteLook, ...given({ position: options.position, zIndex: options.zIndex }), ...override };
    // Colours reach CSS, so only #rrggbb passes; an invalid override leaves the site's colour.
    const accent = [override.accentColor, siteLook?.accentColor].find((c) => c && /^#[0-9a-f]{6}$/i.test(c));
    if (accent) {
      setHost('--cw-accent', accent);
      setHost('--cw-on-accent', readableTextColor(accent));
    }
    root.classList.toggle('left', look.position === 'bottom-left');
    setHost('z-index', String(look.zIndex ?? 2147483000));
  };
  const applyLook = (look: SiteLook) => {
    siteLook = look;
    paint();
  };
  paint();
  document.body.append(host);

  const close = () => {
    if (!opened) return;
    opened = false;
    const hadFocus = !!shadow.activeElement;
    panel?.setOpen(false);
    launcher.setAttribute('aria-expanded', 'false');
    if (hadFocus) launcher.focus();
    deps.emit('close', undefined);
  };

  const ctx: PanelContext = {
    root,
    siteKey: options.siteKey,
    apiUrl: options.apiUrl,
    locale,
    get user() {
      return user;
    },
    get look() {
      return override;
    },
    emit: deps.emit,
    requestClose: close,
    setLook: applyLook,
    addStyles: (css) => adoptStyles(shadow, css, options.nonce),
    fetch: deps.fetch,
    XMLHttpRequest: deps.XMLHttpRequest,
    storage,
  };

  const load = (): Promise<PanelHandle | null> => {
    loading ??= deps.loadPanel().then(
      (module) => {
        if (destroyed) return null;
        panel = module.mountPanel(ctx);
        panel.setOpen(opened);
        return panel;
      },
      (error) => {
        // A failed chunk load is retried on the next open.
        loading = null;
        deps.emit('error', { code: 'load_failed', message: String((error as Error)?.message ?? error) });
        return null;
      },
    );
    return loading;
  };

  const open = () => {
    if (opened || destroyed) return;
    opened = true;
    launcher.setAttribute('aria-expanded', 'true');
    deps.emit('open', undefined);
    if (panel) panel.setOpen(true);
    else {
      launcher.setAttribute('aria-busy', 'true');
      load().finally(() => launcher.removeAttribute('aria-busy'));
    }
  };

  launcher.addEventListener('click', () => (opened ? close() : open()));
  launcher.addEventListener('pointerenter', load, { once: true });
  launcher.addEventListener('focus', load, { once: true });

  // Nothing but this loader runs before the page is idle; then the panel is fetched ahead of the first open.
  let idle = 0;
  const whenIdle = () => {
    idle = window.requestIdleCallback
      ? window.requestIdleCallback(() => load(), { timeout: 5000 })
      : window.setTimeout(load, 2000);
  };
  if (document.readyState === 'complete') whenIdle();
  else window.addEventListener('load', whenIdle, { once: true });

  return {
    host,
    open,
    close,
    toggle: () => (opened ? close() : open()),
    identify(next) {
      user = next;
      panel?.identify(next);
    },
    preview(look) {
      override = given(look);
      paint();
      panel?.preview(override);
    },
    destroy() {
      destroyed = true;
      window.removeEventListener('load', whenIdle);
      if (window.cancelIdleCallback) window.cancelIdleCallback(idle);
      window.clearTimeout(idle);
      panel?.destroy();
      host.remove();
    },
  };
}
