// The widget preview page (preview.html, in an iframe of the site editor): loads the real /widget.js
// and re-initialises it with the unsaved look each time the editor posts one.
import type { SiteLook } from '../../../contract/index.js';
import { isPreviewMessage } from '../features/sites/previewMessage.js';

interface WidgetApi {
  init(options: { siteKey: string; look?: SiteLook; open?: boolean }): unknown;
  destroy?(): unknown;
  /** Optional fast path: apply a look without restarting the session. */
  preview?(look: SiteLook): unknown;
}

const status = document.getElementById('preview-status');
const say = (text: string) => {
  if (status) status.textContent = text;
};

let loading: Promise<WidgetApi | null> | null = null;
function loadWidget(): Promise<WidgetApi | null> {
  loading ??= new Promise((resolve) => {
    const script = document.createElement('script');
    script.src = '/widget.js';
    script.async = true;
    script.onload = () => resolve((window as unknown as { ChatWidget?: WidgetApi }).ChatWidget ?? null);
    script.onerror = () => resolve(null);
    document.head.append(script);
  });
  return loading;
}

let current: { siteKey: string; started: boolean } | null = null;
let pending: ReturnType<typeof setTimeout> | undefined;

async function show(siteKey: string, look: SiteLook) {
  const widget = await loadWidget();
  if (!widget || typeof widget.init !== 'function') {
    say('The widget could not be loaded from /widget.js.');
    return;
  }
  say('');
  if (current?.started && current.siteKey === siteKey && typeof widget.preview === 'function') {
    widget.preview(look);
    return;
  }
  if (current?.started) widget.destroy?.();
  widget.init({ siteKey, look, open: true });
  current = { siteKey, started: true };
}

window.addEventListener('message', (event) => {
  // Only the dashboard that framed us may drive the preview.
  if (event.origin !== window.location.origin || event.source !== window.parent) return;
  if (!isPreviewMessage(event.data)) return;
  const { siteKey, look } = event.data;
  // Typing fires many messages; restart the widget at most every 250 ms.
  clearTimeout(pending);
  pending = setTimeout(() => void show(siteKey, look), current ? 250 : 0);
});
say('Waiting for the site settings…');
