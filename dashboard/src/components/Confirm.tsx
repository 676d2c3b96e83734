import { useEffect, useRef } from 'react';

/**
 * An inline confirmation that replaces the button that asked for it. Focus moves to Cancel (the safe
 * choice) so keyboard users land inside it; Escape cancels.
 */
export function Confirm({
  message,
  confirmLabel,
  busyLabel,
  busy,
  onConfirm,
  onCancel,
}: {
  message: string;
  confirmLabel: string;
  busyLabel: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <fieldset className="confirm">
      <legend className="visually-hidden">Confirm</legend>
      <p>{message}</p>
      <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
        {busy ? busyLabel : confirmLabel}
      </button>{' '}
      <button type="button" ref={cancel} onClick={onCancel}>
        Cancel
      </button>
    </fieldset>
  );
}
