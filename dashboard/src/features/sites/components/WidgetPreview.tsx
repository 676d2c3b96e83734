import { useEffect, useRef, useState } from 'react';
import type { SiteLook } from '../../../../../contract/index.js';
import { hrefFor } from '../../../lib/router/history.js';
import { PREVIEW_MESSAGE_TYPE, type PreviewMessage } from '../previewMessage.js';

/**
 * The real widget in an iframe (`preview.html` loads `/widget.js`), fed the unsaved look by postMessage
 * so every keystroke shows without saving. Same origin only: the message never leaves the dashboard.
 */
export function WidgetPreview({ siteKey, look }: { siteKey: string; look: SiteLook }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    if (!loaded) return;
    const message: PreviewMessage = { type: PREVIEW_MESSAGE_TYPE, siteKey, look };
    frame.current?.contentWindow?.postMessage(message, window.location.origin);
  }, [loaded, siteKey, look]);
  return (
    <iframe
      ref={frame}
      className="preview-frame"
      title="Widget preview with unsaved changes"
      src={hrefFor('/preview.html')}
      onLoad={() => setLoaded(true)}
    />
  );
}
