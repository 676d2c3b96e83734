import type { SiteLook } from '../../../contract/index.js';
import type { Locale } from '../i18n/locales.js';
import type { Emit, WidgetLook, WidgetUser } from '../types.js';

/** What the loader hands the lazily loaded panel chunk. The two share no runtime module, only these types. */
export interface PanelContext {
  /** The element inside the shadow root that the panel renders into (already carries `dir` and `lang`). */
  root: HTMLElement;
  siteKey: string;
  apiUrl: string;
  locale: Locale;
  user: WidgetUser | null;
  /** The page's overrides of the site's look (`init({ look })`). */
  look: WidgetLook;
  emit: Emit;
  /** Esc or the close button: the loader closes and returns focus to the launcher. */
  requestClose: () => void;
  /** The site's look arrived: the loader colours and places the launcher. */
  setLook: (look: SiteLook) => void;
  addStyles: (css: string) => void;
  /** Edges, swappable in tests; default to the browser's. */
  fetch?: typeof fetch;
  XMLHttpRequest?: typeof XMLHttpRequest;
  storage?: Storage | null;
}

export interface PanelHandle {
  setOpen(open: boolean): void;
  identify(user: WidgetUser | null): void;
  /** New overrides of the site's look (`ChatWidget.preview`). */
  preview(look: WidgetLook): void;
  destroy(): void;
}

export interface PanelModule {
  mountPanel(ctx: PanelContext): PanelHandle;
}
