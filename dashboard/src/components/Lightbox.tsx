import { useEffect, useRef } from 'react';
import { safeSrc } from '../../../contract/safeUrl.js';

/** A full-size image in a modal dialog (Esc or the button closes it, focus returns to the opener). */
export function Lightbox({ src, alt, onClose }: { src: string; alt: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open && typeof dialog.showModal === 'function') dialog.showModal();
  }, []);
  const url = safeSrc(src);
  return (
    <dialog ref={ref} className="lightbox" aria-label={alt} onClose={onClose} onCancel={onClose}>
      <div className="lightbox-bar">
        {url && (
          <a href={url} target="_blank" rel="noopener noreferrer">
            Open original
          </a>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      {url ? <img src={url} alt={alt} /> : <p>This image address is not allowed.</p>}
    </dialog>
  );
}
