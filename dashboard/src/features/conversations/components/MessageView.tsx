import type { ImageRef, Message } from '../../../../../contract/index.js';
import { CitationList } from '../../../components/CitationList.js';
import { Thumbnail } from '../../../components/Thumbnail.js';
import { formatDateTime } from '../../../lib/format.js';
import { Markdown } from '../../../lib/markdown/Markdown.js';

const STATUS_LABEL: Partial<Record<Message['status'], string>> = {
  stopped: 'Stopped by the visitor',
  error: 'Failed',
  pending: 'Pending',
  streaming: 'Still streaming',
};

/** One transcript entry: who, when, status, the text (markdown), its sources, images and the visitor's feedback. */
export function MessageView({ message, onOpenImage }: { message: Message; onOpenImage: (image: ImageRef) => void }) {
  const status = STATUS_LABEL[message.status];
  return (
    <li className={`message message-${message.role} message-status-${message.status}`}>
      <div className="message-head">
        <strong>
          {message.role === 'user' ? 'Visitor' : message.role === 'agent' ? (message.author?.name ?? 'Agent') : 'Assistant'}
        </strong>
        {message.role === 'agent' && <span className="badge badge-agent">Agent</span>}
        <time dateTime={message.createdAt}>{formatDateTime(message.createdAt)}</time>
        {status && (
          <span className={`badge badge-${message.status}`}>
            {status}
            {message.errorCode ? ` (${message.errorCode})` : ''}
          </span>
        )}
        {message.role === 'assistant' && message.status === 'complete' && !message.grounded && (
          <span className="badge" title="The answer cites nothing from the site's knowledge">
            No sources
          </span>
        )}
        {message.feedback === 'up' && <span className="badge badge-up">👍 Helpful</span>}
        {message.feedback === 'down' && <span className="badge badge-down">👎 Not helpful</span>}
      </div>
      {message.text ? <Markdown source={message.text} /> : message.images.length === 0 && <p className="muted">(no text)</p>}
      <CitationList citations={message.citations ?? []} />
      {message.images.length > 0 && (
        <ul className="message-images" aria-label="Images">
          {message.images.map((image, n) => (
            <li key={image.id}>
              <button
                type="button"
                className="thumb-button"
                onClick={() => onOpenImage(image)}
                aria-label={`Open image ${n + 1} full size`}
              >
                <Thumbnail src={image.thumbnailUrl} alt="" size={96} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {message.model && message.role === 'assistant' && (
        <p className="message-foot muted">
          {message.model}
          {message.usage ? ` · ${message.usage.inputTokens} in / ${message.usage.outputTokens} out tokens` : ''}
        </p>
      )}
    </li>
  );
}
