import type { Strings } from '../i18n/locales.js';
import { Markdown } from '../markdown/Markdown.js';
import type { ChatItem } from '../state/ChatItem.js';
import { type ChatModel, personInvolved } from '../state/createChatModel.js';
import { noticeFor } from '../state/notice.js';
import { Citations } from './Citations.js';
import { Icon } from './Icon.js';

/**
 * One bubble: the visitor's text as plain text, answers and agents' replies (under the agent's name) as markdown, with
 * the actions its status allows.
 */
export function MessageItem({ item, model, t }: { item: ChatItem; model: ChatModel; t: Strings }) {
  const retry = (
    <button type="button" class="link" onClick={() => model.retry(item.key)}>
      {t.retry}
    </button>
  );
  if (item.role === 'user') {
    return (
      <div class="msg user">
        <span class="sr">{t.you}: </span>
        {!!item.images.length && (
          <div class="thumbs">
            {item.images.map((image) => (
              <img key={image.id} src={image.thumbnailUrl} alt="" />
            ))}
          </div>
        )}
        {item.text}
        {item.status === 'pending' && item.errorCode === 'offline' && <div class="status">{t.waiting}</div>}
        {item.status === 'error' && (
          <div class="status">
            {t.notSent} {t[noticeFor(item.errorCode)]} {retry}
          </div>
        )}
      </div>
    );
  }
  const author = item.role === 'agent' && item.message?.author?.name;
  const stored = !author && item.id && item.status === 'complete';
  const streaming = item.status === 'streaming';
  // While a person has the conversation no answer comes: no empty bubble, no "Thinking…".
  if (!item.text && streaming && personInvolved(model.person.value.mode)) return null;
  return (
    <div class="msg">
      {author ? <b class="who">{author}</b> : <span class="sr">{t.assistant}: </span>}
      {item.text ? <Markdown text={item.text} /> : streaming && <span>{t.thinking}</span>}
      <Citations list={item.message?.citations} />
      {(item.status === 'stopped' || item.status === 'error') && (
        <div class="status">
          {item.status === 'stopped' ? t.stopped : t[noticeFor(item.errorCode)]} {(item.id || item.status === 'error') && retry}
        </div>
      )}
      {stored && (
        <div class="status">
          {(['up', 'down'] as const).map((rating) => (
            <button
              type="button"
              class="rate"
              key={rating}
              aria-label={t[rating]}
              title={t[rating]}
              aria-pressed={item.feedback === rating}
              onClick={() => model.rate(item.id!, item.feedback === rating ? null : rating)}
            >
              <Icon name="thumb" flip={rating === 'down'} />
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
