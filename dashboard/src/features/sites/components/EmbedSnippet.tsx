import { useState } from 'react';
import { buildEmbedSnippet } from '../api/embedSnippet.js';

/** The script tag to paste, with a copy button that says when it worked. */
export function EmbedSnippet({ origin, siteKey }: { origin: string; siteKey: string }) {
  const snippet = buildEmbedSnippet(origin, siteKey);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied('idle'), 2500);
  };
  return (
    <div className="snippet">
      <pre>
        <code>{snippet}</code>
      </pre>
      <button type="button" onClick={copy}>
        Copy snippet
      </button>
      <span role="status" className="muted">
        {copied === 'copied'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Copy failed: select the text and copy it.'
            : ''}
      </span>
    </div>
  );
}
