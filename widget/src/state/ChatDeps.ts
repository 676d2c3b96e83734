import type { SiteLook } from '../../../contract/index.js';
import type { Emit, WidgetLook, WidgetUser } from '../types.js';

/** The model's edges: everything that touches the browser or the network comes in here, so tests swap it. */
export interface ChatDeps {
  siteKey: string;
  apiUrl: string;
  locale: string;
  user: WidgetUser | null;
  /** The page's overrides of the site's look. */
  look?: WidgetLook;
  fetch: typeof fetch;
  XMLHttpRequest?: typeof XMLHttpRequest;
  storage: Storage | null;
  /** Where `online`, `offline` and `storage` events come from. */
  events: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  isOnline: () => boolean;
  emit: Emit;
  /** Called with the site's look once the session is known (the loader colours the launcher with it). */
  onLook?: (look: SiteLook) => void;
  pageUrl?: string;
  /** Adds styles to the shadow root (the handoff chunk brings its own). */
  addStyles?: (css: string) => void;
  previewUrl?: (file: Blob) => string;
  newId?: () => string;
}
