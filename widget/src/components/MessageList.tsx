import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Strings } from '../i18n/locales.js';
import type { ChatModel } from '../state/createChatModel.js';
import { MessageItem } from './MessageItem.js';
import { TalkToPerson } from './TalkToPerson.js';

/**
 * The conversation as a polite live region. It is busy while an answer streams, so screen readers announce the reply
 * once complete rather than token by token; it follows new text only while the visitor is at the bottom.
 */
export function MessageList({ model, t }: { model: ChatModel; t: Strings }) {
  const ref = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const items = model.items.value;
  const look = model.look.value;
  const starters = look.starterPrompts ?? [];
  const lastText = items.at(-1)?.text;
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on new items and on streamed text.
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [items.length, lastText, model.open.value]);
  return (
    <div
      ref={ref}
      class="log"
      role="log"
      aria-live="polite"
      aria-busy={model.streaming.value}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {look.greeting && <div class="msg">{look.greeting}</div>}
      {model.phase.value === 'connecting' && !items.length && <div class="status">{t.connecting}</div>}
      {!items.length && model.phase.value === 'ready' && !!starters.length && (
        <div class="starters">
          {starters.map((prompt) => (
            <button type="button" class="starter" key={prompt} onClick={() => model.send(prompt)}>
              {prompt}
            </button>
          ))}
        </div>
      )}
      {items.map((item) => (
        <MessageItem key={item.key} item={item} model={model} t={t} />
      ))}
      {model.offerPerson.value && <TalkToPerson model={model} t={t} />}
    </div>
  );
}
