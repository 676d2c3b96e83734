import type { ReactNode } from 'react';
import type { AdminConversation } from '../../../../../contract/index.js';
import { Empty, ErrorState, Loading } from '../../../components/States.js';
import { Link } from '../../../lib/router/Link.js';
import { sortInbox, useInbox } from '../api/getInbox.js';
import { InboxConversation } from './InboxConversation.js';

const minutesSince = (iso: string) => Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000));

function who(c: AdminConversation, me: string | null): string {
  if (c.mode === 'waiting') return `Waiting ${minutesSince(c.waitingSince ?? c.lastMessageAt)} min`;
  return c.assignee?.id === me ? 'With you' : `With ${c.assignee?.name ?? 'an agent'}`;
}

/**
 * Conversations where a person is asked for or holds the conversation, live; the selected one beside the list. `me` is
 * the signed-in agent's id (conversations they hold are "With you"); `agentSettings` shows under the title.
 */
export function InboxPage({
  selectedId,
  me,
  agentSettings,
}: {
  selectedId: string | null;
  me: string | null;
  agentSettings?: ReactNode;
}) {
  const inbox = useInbox();
  const items = sortInbox(inbox.data ?? [], me);
  return (
    <section className="inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">Inbox</h1>
      {agentSettings}
      <div className="inbox-layout">
        <div>
          {inbox.isPending && <Loading label="Loading the inbox…" />}
          {inbox.isError && <ErrorState error={inbox.error} onRetry={() => inbox.refetch()} />}
          {inbox.isSuccess && items.length === 0 && (
            <Empty title="No one is waiting">
              <p>Visitors who ask for a person appear here at once.</p>
            </Empty>
          )}
          {items.length > 0 && (
            <ul className="inbox-list" aria-label="Conversations with a person">
              {items.map((c) => (
                <li key={c.id} className={`inbox-item inbox-${c.mode}`}>
                  <Link to={`/inbox/${c.id}`} className="inbox-link" aria-current={c.id === selectedId ? 'page' : undefined}>
                    <span className="clamp">{c.firstQuestion.trim() || c.title || 'Conversation'}</span>
                    <span className="muted">
                      {who(c, me)}
                      {c.email ? ` · ${c.email}` : ''}
                    </span>
                    {c.unread > 0 && <span className="badge badge-unread">{c.unread} unread</span>}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        {selectedId ? (
          <InboxConversation key={selectedId} id={selectedId} me={me} />
        ) : (
          items.length > 0 && <p className="muted">Pick a conversation to read and answer it.</p>
        )}
      </div>
    </section>
  );
}
