import type { Message, SiteLook } from '../../contract/index.js';

/** Look settings that win over the site's configured ones (the dashboard previews unsaved settings with them). */
export type WidgetLook = Partial<SiteLook>;

/** Options of `init()`; the script tag's `data-*` attributes fill the same fields. */
export interface WidgetOptions {
  /** The site's public key (`data-site-key`). */
  siteKey: string;
  /** Origin of the chat API (`data-api-url`); defaults to the origin the widget was loaded from. */
  apiUrl?: string;
  /** `en`, `fr`, `ar` (right-to-left), …; defaults to the page's `lang`, then English (`data-locale`). */
  locale?: string;
  /** CSP nonce for the `<style>` fallback when constructable stylesheets are unavailable (`data-nonce`). */
  nonce?: string;
  /** Overrides the site's configured corner. */
  position?: 'bottom-right' | 'bottom-left';
  /** Overrides the site's configured stacking order. */
  zIndex?: number;
  /** Opens the panel right after start. */
  open?: boolean;
  /** Overrides the site's title, colour, corner, greeting or starter prompts. */
  look?: WidgetLook;
}

/** A signed-in user of the host site; `userHash` is HMAC-SHA256(identity secret, id) in hex, computed server-side. */
export interface WidgetUser {
  id: string;
  name?: string;
  email?: string;
  userHash?: string;
}

export interface WidgetEventMap {
  open: undefined;
  close: undefined;
  'message:sent': { clientMessageId: string; text: string; imageIds: string[] };
  'message:received': Message;
  error: { code: string; message: string };
}
export type WidgetEvent = keyof WidgetEventMap;
export type WidgetListener<E extends WidgetEvent> = (payload: WidgetEventMap[E]) => void;
export type Emit = <E extends WidgetEvent>(event: E, payload: WidgetEventMap[E]) => void;

/** The page API, as `window.ChatWidget` and as the ESM build's exports. */
export interface ChatWidgetApi {
  init(options: WidgetOptions): void;
  open(): void;
  close(): void;
  toggle(): void;
  identify(user: WidgetUser | null): void;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends WidgetEvent>(event: E, listener: WidgetListener<E>): () => void;
  destroy(): void;
  /** Shows another look at once, keeping the session and the conversation (the dashboard's live preview). */
  preview(look: WidgetLook): void;
}
