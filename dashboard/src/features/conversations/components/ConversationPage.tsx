import { useState } from 'react';
import { isApiError } from '../../../../../contract/ApiError.js';
import type { ImageRef } from '../../../../../contract/index.js';
import { Confirm } from '../../../components/Confirm.js';
import { Lightbox } from '../../../components/Lightbox.js';
import { ErrorState, Loading } from '../../../components/States.js';
import { navigate } from '../../../lib/router/history.js';
import { Link } from '../../../lib/router/Link.js';
import { useDeleteConversation } from '../api/deleteConversation.js';
import { useConversation } from '../api/getConversation.js';
import { useEarlierMessages } from '../api/getConversationMessages.js';
import { RatingBadges } from './ConversationRow.js';
import { EraseVisitor } from './EraseVisitor.js';
import { MessageView } from './MessageView.js';
import { VisitorDetails } from './VisitorDetails.js';

/** One conversation: transcript, visitor details, delete with confirmation. */
export function ConversationPage({ id, canDelete }: { id: string; canDelete: boolean }) {
  const query = useConversation(id);
  const earlier = useEarlierMessages(id, query.data?.messagesCursor ?? null);
  const remove = useDeleteConversation();
  const [confirming, setConfirming] = useState(false);
  const [openImage, setOpenImage] = useState<ImageRef | null>(null);

  if (query.isPending) return <Loading label="Loading conversation…" />;
  if (query.isError) {
    const missing = isApiError(query.error) && query.error.status === 404;
    return (
      <section>
        <p>
          <Link to="/conversations">← All conversations</Link>
        </p>
        <ErrorState
          error={query.error}
          title={missing ? 'This conversation does not exist (any more)' : 'Could not load the conversation'}
          onRetry={missing ? undefined : () => query.refetch()}
        />
      </section>
    );
  }
  const conversation = query.data;
  // Pages fetched newest first, each oldest first: the transcript shows them oldest page first.
  const older = [...(earlier.data?.pages ?? [])].reverse().flatMap((page) => page.items);
  const moreEarlier = earlier.data ? earlier.hasNextPage : conversation.messagesCursor !== null;
  const title = conversation.firstQuestion.trim() || conversation.title || 'Conversation';
  return (
    <article className="conversation" aria-labelledby="conversation-title">
      <p>
        <Link to="/conversations">← All conversations</Link>
      </p>
      <h1 id="conversation-title" className="clamp">
        {title}
      </h1>
      <div className="conversation-layout">
        <section aria-label="Transcript">
          {moreEarlier && (
            <p>
              <button type="button" onClick={() => earlier.fetchNextPage()} disabled={earlier.isFetching}>
                {earlier.isFetching ? 'Loading earlier messages…' : 'Load earlier messages'}
              </button>
            </p>
          )}
          {earlier.isError && <ErrorState error={earlier.error} title="Could not load earlier messages" />}
          <ol className="transcript">
            {[...older, ...conversation.messages].map((message) => (
              <MessageView key={message.id} message={message} onOpenImage={setOpenImage} />
            ))}
          </ol>
          {conversation.messages.length === 0 && <p className="muted">This conversation has no messages.</p>}
        </section>
        <aside aria-label="Visitor">
          <h2>Visitor</h2>
          <VisitorDetails conversation={conversation} />
          <h2>Feedback</h2>
          <p>
            <RatingBadges up={conversation.ratingUp} down={conversation.ratingDown} />
          </p>
          {canDelete && (
            <div className="danger-zone">
              {confirming ? (
                <Confirm
                  message="Delete this conversation and its messages for good?"
                  confirmLabel="Yes, delete"
                  busyLabel="Deleting…"
                  busy={remove.isPending}
                  onConfirm={() => remove.mutate(id, { onSuccess: () => navigate('/conversations') })}
                  onCancel={() => setConfirming(false)}
                />
              ) : (
                <button type="button" className="danger" onClick={() => setConfirming(true)}>
                  Delete conversation
                </button>
              )}
              {remove.isError && <ErrorState error={remove.error} title="Could not delete" />}
              <EraseVisitor conversation={conversation} />
            </div>
          )}
        </aside>
      </div>
      {openImage && (
        <Lightbox src={openImage.url} alt={`Image ${openImage.width}×${openImage.height}`} onClose={() => setOpenImage(null)} />
      )}
    </article>
  );
}
