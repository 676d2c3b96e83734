// The ESM build's public API (`import { init, open } from '…/widget'`): side-effect free until `init` is called.
import { createPageApi } from './loader/createPageApi.js';
import { createWidget } from './loader/createWidget.js';
import type { ChatWidgetApi } from './types.js';

export type { Message } from '../../contract/index.js';
export type {
  ChatWidgetApi,
  WidgetEvent,
  WidgetEventMap,
  WidgetListener,
  WidgetLook,
  WidgetOptions,
  WidgetUser,
} from './types.js';

let api: ChatWidgetApi | undefined;

/** The API origin defaults to where this module was served from (a bundled copy should pass `apiUrl`). */
function defaultApiUrl(): string {
  // Bundlers may leave `import.meta.url` a file: URL or, in a non-module output, undefined.
  try {
    const origin = new URL(import.meta.url).origin;
    if (origin.startsWith('http')) return origin;
  } catch {}
  return location.origin;
}

const instance = (): ChatWidgetApi =>
  (api ??= createPageApi(
    (options, emit, user) => createWidget(options, { emit, user, loadPanel: () => import('./panel/mountPanel.js') }),
    { apiUrl: defaultApiUrl() },
  ));

export const init: ChatWidgetApi['init'] = (options) => instance().init(options);
export const open: ChatWidgetApi['open'] = () => instance().open();
export const close: ChatWidgetApi['close'] = () => instance().close();
export const toggle: ChatWidgetApi['toggle'] = () => instance().toggle();
export const identify: ChatWidgetApi['identify'] = (user) => instance().identify(user);
export const on: ChatWidgetApi['on'] = (event, listener) => instance().on(event, listener);
export const preview: ChatWidgetApi['preview'] = (look) => instance().preview(look);
export const destroy: ChatWidgetApi['destroy'] = () => instance().destroy();
