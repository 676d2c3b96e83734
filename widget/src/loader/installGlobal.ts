import type { ChatWidgetApi } from '../types.js';
import { createPageApi } from './createPageApi.js';
import { createWidget } from './createWidget.js';
import type { PanelModule } from './PanelContract.js';

type Queued = [name: keyof ChatWidgetApi, args: unknown[]];
type GlobalSlot = { ChatWidget?: Partial<ChatWidgetApi> & { q?: Queued[] } };

/**
 * The script tag's side effects: read its `data-*` options, define `window.ChatWidget`, replay the calls queued by
 * the snippet before the script loaded, and start the widget when the tag carries a site key.
 * Panel chunks resolve against the script's URL: `/widget.js` loads `/widget/<chunk>` (or `data-assets-url`).
 */
export function installGlobal(
  win: Window & GlobalSlot,
  script: HTMLScriptElement | null,
  loadPanel: (assetsUrl: string) => Promise<PanelModule>,
): ChatWidgetApi {
  const existing = win.ChatWidget;
  if (existing && !existing.q && existing.init) return existing as ChatWidgetApi;
  const src = script?.src || win.location.href;
  const data = script?.dataset ?? {};
  const assetsUrl = data.assetsUrl || new URL('widget/', src).href;
  const api = createPageApi(
    (options, emit, user) => createWidget(options, { loadPanel: () => loadPanel(assetsUrl), emit, user }),
    {
      siteKey: data.siteKey,
      apiUrl: data.apiUrl || new URL(src).origin,
      locale: data.locale,
      nonce: data.nonce || script?.nonce || undefined,
    },
  );
  win.ChatWidget = api;
  const queued = existing?.q ?? [];
  if (data.siteKey && !queued.some(([name]) => name === 'init')) api.init({ siteKey: data.siteKey });
  for (const [name, args] of queued) (api[name] as (...a: unknown[]) => void)(...args);
  return api;
}
