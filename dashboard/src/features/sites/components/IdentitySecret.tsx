import { useState } from 'react';
import { Confirm } from '../../../components/Confirm.js';
import { ErrorState } from '../../../components/States.js';
import { useUpdateSite } from '../api/updateSite.js';

/** The HMAC key for `identify({ userHash })`: turn verification on/off, reveal, rotate (with confirmation). */
export function IdentitySecret({
  siteId,
  secret,
  enabled,
  onToggle,
  canEdit,
}: {
  siteId: string;
  secret: string | null;
  enabled: boolean;
  onToggle: (on: boolean) => void;
  canEdit: boolean;
}) {
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const rotate = useUpdateSite(siteId);
  return (
    <div className="identity">
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => onToggle(e.target.checked)} />
        <span>
          Only accept identified users whose <code>userHash</code> is signed with this secret
        </span>
      </label>
      {secret ? (
        <div className="secret">
          <span className="visually-hidden">Identity secret: </span>
          <code>{revealed ? secret : '•'.repeat(24)}</code>
          <button type="button" onClick={() => setRevealed(!revealed)} aria-pressed={revealed}>
            {revealed ? 'Hide' : 'Reveal'}
          </button>
          {canEdit &&
            (confirming ? (
              <Confirm
                message="Rotate the secret? Hashes made with the old one stop working at once."
                confirmLabel="Rotate now"
                busyLabel="Rotating…"
                busy={rotate.isPending}
                onConfirm={() => rotate.mutate({ rotateIdentitySecret: true }, { onSettled: () => setConfirming(false) })}
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
      {rotate.isError && <ErrorState error={rotate.error} title="Could not rotate the secret" />}
    </div>
  );
}
