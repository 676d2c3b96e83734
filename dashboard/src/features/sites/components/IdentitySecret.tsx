import { useState } from 'react';
import { Confirm } from '../../../components/Confirm.js';
import { ErrorState } from '../../../components/States.js';
import { useRevealIdentitySecret } from '../api/revealIdentitySecret.js';
import { useUpdateSite } from '../api/updateSite.js';

/**
 * The HMAC key for `identify({ userHash })`: turn verification on/off, and for admins reveal, copy and
 * rotate it (with confirmation). The server sends the secret only when it makes one or on a reveal,
 * so it lives in this component's state (`shown`, or the editor's just-saved `made`), never in the cache.
 */
export function IdentitySecret({
  siteId,
  verified,
  made,
  enabled,
  onToggle,
  canEdit,
}: {
  siteId: string;
  /** Whether the saved site verifies identities (so has a secret). */
  verified: boolean;
  /** A secret the editor's last save made (turning verification on), to show once. */
  made: string | null;
  enabled: boolean;
  onToggle: (on: boolean) => void;
  canEdit: boolean;
}) {
  const [shown, setShown] = useState<{ secret: string; fresh: boolean } | null>(made ? { secret: made, fresh: true } : null);
  const [confirming, setConfirming] = useState(false);
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const rotate = useUpdateSite(siteId);
  const reveal = useRevealIdentitySecret(siteId);
  const current = verified ? (shown?.secret ?? null) : null;

  const copy = async (secret: string) => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };

  return (
    <div className="identity">
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => onToggle(e.target.checked)} />
        <span>
          Only accept identified users whose <code>userHash</code> is signed with this secret
        </span>
      </label>
      {verified ? (
        <div className="secret">
          <span className="visually-hidden">Identity secret: </span>
          <code>{current ?? '•'.repeat(24)}</code>
          {current ? (
            <>
              <button type="button" onClick={() => copy(current)}>
                Copy secret
              </button>
              <button type="button" onClick={() => setShown(null)}>
                Hide
              </button>
            </>
          ) : (
            canEdit && (
              <button
                type="button"
                disabled={reveal.isPending}
                onClick={() =>
                  reveal.mutate(undefined, { onSuccess: (r) => setShown({ secret: r.identitySecret, fresh: false }) })
                }
              >
                {reveal.isPending ? 'Revealing…' : 'Reveal'}
              </button>
            )
          )}
          {canEdit &&
            (confirming ? (
              <Confirm
                message="Rotate the secret? Hashes made with the old one stop working at once, and identified visitors sign in again."
                confirmLabel="Rotate now"
                busyLabel="Rotating…"
                busy={rotate.isPending}
                onConfirm={() =>
                  rotate.mutate(
                    { rotateIdentitySecret: true },
                    {
                      onSuccess: (site) => site.identitySecret && setShown({ secret: site.identitySecret, fresh: true }),
                      onSettled: () => setConfirming(false),
                    },
                  )
                }
                onCancel={() => setConfirming(false)}
              />
            ) : (
              <button type="button" onClick={() => setConfirming(true)}>
                Rotate secret…
              </button>
            ))}
        </div>
      ) : (
        <p className="muted">
          {enabled ? 'A secret is generated when you save.' : 'Verification is off; identify() names are shown as unverified.'}
        </p>
      )}
      <p role="status" className="muted">
        {current && shown?.fresh ? 'New secret: copy it into your backend now. ' : ''}
        {copied === 'copied'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'Copy failed: select the text and copy it.'
            : ''}
      </p>
      {verified && !canEdit && <p className="muted">Only organization admins can see the secret.</p>}
      {rotate.isError && <ErrorState error={rotate.error} title="Could not rotate the secret" />}
      {reveal.isError && <ErrorState error={reveal.error} title="Could not reveal the secret" />}
    </div>
  );
}
