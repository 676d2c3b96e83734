import type { AdminConversation } from '../../../../../contract/index.js';
import { safeUrl } from '../../../../../contract/safeUrl.js';
import { formatDateTime } from '../../../lib/format.js';

/** Where and who: page URL, browser, locale, the identified user and the lead the visitor left, when known. */
export function VisitorDetails({ conversation }: { conversation: AdminConversation }) {
  const pageUrl = conversation.pageUrl ? safeUrl(conversation.pageUrl) : null;
  const user = conversation.user;
  const lead = conversation.lead;
  return (
    <dl className="details">
      <dt>Started</dt>
      <dd>
        <time dateTime={conversation.createdAt}>{formatDateTime(conversation.createdAt)}</time>
      </dd>
      <dt>Page</dt>
      <dd>
        {pageUrl ? (
          <a href={pageUrl} target="_blank" rel="noopener noreferrer nofollow" className="break">
            {conversation.pageUrl}
          </a>
        ) : (
          (conversation.pageUrl ?? <span className="muted">Unknown</span>)
        )}
      </dd>
      <dt>Browser</dt>
      <dd className="break">{conversation.userAgent ?? <span className="muted">Unknown</span>}</dd>
      <dt>Locale</dt>
      <dd>{conversation.locale ?? <span className="muted">Unknown</span>}</dd>
      <dt>User</dt>
      <dd>
        {user ? (
          <>
            {user.name ?? user.id}
            {user.email && <> · {user.email}</>}
            <span className="muted"> (id {user.id})</span>
          </>
        ) : (
          <span className="muted">Anonymous visitor</span>
        )}
      </dd>
      <dt>Lead</dt>
      <dd>
        {lead ? (
          <>
            {[lead.name, lead.email].filter(Boolean).join(' · ')}
            <span className="muted">
              {' '}
              (left <time dateTime={lead.capturedAt}>{formatDateTime(lead.capturedAt)}</time>
              {lead.updatedAt !== lead.capturedAt && (
                <>
                  , changed <time dateTime={lead.updatedAt}>{formatDateTime(lead.updatedAt)}</time>
                </>
              )}
              )
            </span>
          </>
        ) : (
          <span className="muted">None</span>
        )}
      </dd>
      <dt>Visitor id</dt>
      <dd>
        <code>{conversation.visitorId}</code>
      </dd>
    </dl>
  );
}
