import type { ChatWidgetApi, Emit, WidgetLook, WidgetOptions, WidgetUser } from '../types.js';
import { createEmitter } from './createEmitter.js';

export interface Started {
  open(): void;
  close(): void;
  toggle(): void;
  identify(user: WidgetUser | null): void;
  destroy(): void;
  preview(look: WidgetLook): void;
}

/**
 * The page API: `init` starts the widget; `open`, `identify` and `on` may come before it and take effect then.
 * `defaults` are the script tag's `data-*` options (or the ESM build's), which `init` overrides.
 */
export function createPageApi(
  start: (options: WidgetOptions & { apiUrl: string }, emit: Emit, user: WidgetUser | null) => Started,
  defaults: Partial<WidgetOptions> & { apiUrl: string },
): ChatWidgetApi {
  const { emit, on } = createEmitter();
  let widget: Started | null = null;
  let wantOpen = false;
  let user: WidgetUser | null = null;
  return {
    init(options) {
      widget?.destroy();
      const merged = { ...defaults, ...options, apiUrl: options.apiUrl || defaults.apiUrl };
      if (!merged.siteKey) throw new Error('ChatWidget.init: siteKey is required');
      widget = start(merged, emit, user);
      if (wantOpen || merged.open) widget.open();
    },
    open() {
      if (widget) widget.open();
      else wantOpen = true;
    },
    close() {
      if (widget) widget.close();
      else wantOpen = false;
    },
    toggle() {
      if (widget) widget.toggle();
      else wantOpen = !wantOpen;
    },
    identify(next) {
      user = next;
      widget?.identify(next);
    },
    on,
    preview(look) {
      widget?.preview(look);
    },
    destroy() {
      widget?.destroy();
      widget = null;
      wantOpen = false;
    },
  };
}
