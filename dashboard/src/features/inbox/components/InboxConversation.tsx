import { type FormEvent, useState } from 'react';
import type { ImageRef } from '../../../../../contract/index.js';
import { Lightbox } from '../../../components/Lightbox.js';
import { ErrorState, Loading } from '../../../components/States.js';
import { useConversation } from '../../conversations/api/getConversation.js';
import { MessageView } from '../../conversations/components/MessageView.js';
import { type InboxAction, useConversationAction, useReply } from '../api/conversationActions.js';

const MODE_LABEL = {
  ai: 'The assistant answers',
  waiting: 'Waiting for a person',
  human: 'With a person',
  closed: 'Closed',
} as const;

/** One conversation in the inbox: the live transcript, take over / hand back / close, and the reply composer. */
export function InboxConversation({ id, me }: { id: string; me: string | null }) {
  const query = useConversation(id);
  const action = useConversationAction(id);
  const reply = useReply(id);
  const [text, setText] = useState('');
  const [openImage, setOpenImage] = useState<ImageRef | null>(null);
  if (query.isPending) return <Loading label="Loading conversation…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const c = query.data;
  const mine = c.mode === 'human' && c.assignee?.id === me;
  const withPerson = c.mode === 'waiting' || c.mode === 'human';
  const act = (name: InboxAction, label: string) => (
    <button type="button" disabled={action.isPending} onClick={() => action.mutate(name)}>
      {label}
    </button>
  );
  const send = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) reply.mutate(text.trim(), { onSuccess: () => setText('') });
  };
  return (
    <article className="inbox-conversation" aria-labelledby="inbox-conversation-title">
      <h2 id="inbox-conversation-title" className="clamp">
        {c.firstQuestion.trim() || c.title || 'Conversation'}
      </h2>
      <p>
        <span className={`badge badge-mode-${c.mode}`}>{MODE_LABEL[c.mode]}</span>
        {c.assignee && <span className="muted"> · {mine ? 'you' : c.assignee.name}</span>}
        {c.email && <span className="muted"> · {c.email}</span>}
      </p>
      <div className="inbox-actions">
        {!mine && act('takeover', 'Take over')}
        {withPerson && act('release', 'Hand back to the assistant')}
        {c.mode !== 'closed' && act('close', 'Close')}
      </div>
      {action.isError && <ErrorState error={action.error} title="That did not work" />}
      <ol className="transcript" aria-label="Transcript">
        {c.messages.map((message) => (
          <MessageView key={message.id} message={message} onOpenImage={setOpenImage} />
        ))}
      </ol>
      {/* Replying takes the conversation over, as the server does. */}
      {withPerson && (
        <form className="inbox-reply" onSubmit={send}>
          <label htmlFor="inbox-reply-text">Reply</label>
          <textarea
            id="inbox-reply-text"
            rows={3}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
            }}
          />
          <button type="submit" disabled={reply.isPending || !text.trim()}>
            Send reply
          </button>
          {reply.isError && <ErrorState error={reply.error} title="The reply was not sent" />}
        </form>
      )}
      {openImage && (
        <Lightbox src={openImage.url} alt={`Image ${openImage.width}×${openImage.height}`} onClose={() => setOpenImage(null)} />
      )}
    </article>
  );
}
