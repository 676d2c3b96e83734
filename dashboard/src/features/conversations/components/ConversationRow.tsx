import type { AdminConversation } from '../../../../../contract/index.js';
import { Thumbnail } from '../../../components/Thumbnail.js';
import { formatDateTime } from '../../../lib/format.js';
import { Link } from '../../../lib/router/Link.js';

export function RatingBadges({ up, down }: { up: number; down: number }) {
  if (up === 0 && down === 0) return <span className="muted">No rating</span>;
  return (
    <span className="ratings">
      {up > 0 && (
        <span className="badge badge-up">
          <span aria-hidden="true">👍</span> {up}
          <span className="visually-hidden"> helpful</span>
        </span>
      )}
      {down > 0 && (
        <span className="badge badge-down">
          <span aria-hidden="true">👎</span> {down}
          <span className="visually-hidden"> unhelpful</span>
        </span>
      )}
    </span>
  );
}

/** One list row: first question (the link), message count, last activity, ratings, thumbnail. */
export function ConversationRow({ conversation, siteName }: { conversation: AdminConversation; siteName?: string }) {
  const question = conversation.firstQuestion.trim() || conversation.title || '(no text)';
  return (
    <li className="row">
      <Thumbnail src={conversation.thumbnailUrl} alt="" />
      <div className="row-main">
        <Link className="row-title" to={`/conversations/${conversation.id}`}>
          {question}
        </Link>
        <div className="row-meta">
          <span>
            {conversation.messageCount} message{conversation.messageCount === 1 ? '' : 's'}
          </span>
          <time dateTime={conversation.lastMessageAt}>{formatDateTime(conversation.lastMessageAt)}</time>
          {siteName && <span>{siteName}</span>}
          <RatingBadges up={conversation.ratingUp} down={conversation.ratingDown} />
        </div>
      </div>
    </li>
  );
}
