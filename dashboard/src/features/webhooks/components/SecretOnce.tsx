import { useEffect, useRef, useState } from 'react';

/** A signing secret the server shows this once: copy it now, then it is gone from the page too. */
export function SecretOnce({ secret, url, onDone }: { secret: string; url: string; onDone: () => void }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card secret-once" aria-labelledby="secret-once-title">
      <h2 id="secret-once-title" ref={heading} tabIndex={-1}>
        Signing secret for {url}
      </h2>
      <p>Copy it now: it is not shown again. Your receiver checks each delivery’s signature with it.</p>
      <div className="secret">
        <code>{secret}</code>
        <button
          type="button"
          onClick={() =>
            navigator.clipboard.writeText(secret).then(
              () => setCopied('copied'),
              () => setCopied('failed'),
            )
          }
        >
          Copy secret
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status" className="muted">
        {copied === 'copied' ? 'Copied.' : copied === 'failed' ? 'Could not copy: select the text and copy it.' : ''}
      </p>
    </section>
  );
}
