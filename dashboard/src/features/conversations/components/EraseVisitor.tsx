import { useState } from 'react';
import type { AdminConversation, RemovalCounts } from '../../../../../contract/index.js';
import { Confirm } from '../../../components/Confirm.js';
import { ErrorState } from '../../../components/States.js';
import { Link } from '../../../lib/router/Link.js';
import { useEraseVisitor } from '../api/eraseVisitor.js';

export const describeCounts = (c: RemovalCounts) =>
  `${c.conversations} conversations, ${c.messages} messages, ${c.images} images, ${c.visitors} visitors, ${c.leads} leads`;

/** Erases the conversation's visitor (everything about them, on an owner's request), then shows the receipt. */
export function EraseVisitor({ conversation }: { conversation: AdminConversation }) {
  const erase = useEraseVisitor(conversation.siteId);
  const [confirming, setConfirming] = useState(false);
  if (erase.data)
    return (
      <div role="status" className="state">
        <p className="state-title">Visitor erased</p>
        <p>Deleted {describeCounts(erase.data.counts)}. The receipt is kept in the site’s data records.</p>
        <Link to="/conversations">← All conversations</Link>
      </div>
    );
  return (
    <>
      {confirming ? (
        <Confirm
          message="Erase this visitor? All their conversations, messages, images and lead details are deleted for good."
          confirmLabel="Yes, erase the visitor"
          busyLabel="Erasing…"
          busy={erase.isPending}
          onConfirm={() => erase.mutate({ visitorId: conversation.visitorId })}
          onCancel={() => setConfirming(false)}
        />
      ) : (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Erase visitor…
        </button>
      )}
      {erase.isError && <ErrorState error={erase.error} title="Could not erase" />}
    </>
  );
}
