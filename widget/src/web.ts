// The script-tag entry (dist/widget/widget.js): installs window.ChatWidget. Everything else is in loader/ and the
// panel chunk, whose file name the build fills in.
import { installGlobal } from './loader/installGlobal.js';
import type { PanelModule } from './loader/PanelContract.js';

declare const __PANEL_FILE__: string;

installGlobal(
  window,
  document.currentScript as HTMLScriptElement | null,
  (assetsUrl) =>
    // A classic script may import() an ES module; resolved against the script's own URL, it works on any origin.
    import(/* @vite-ignore */ new URL(__PANEL_FILE__, assetsUrl).href) as Promise<PanelModule>,
);
