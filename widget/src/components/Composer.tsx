import { useEffect, useRef } from 'preact/hooks';
import { IMAGE_TYPES } from '../../../contract/limits.js';
import type { Strings } from '../i18n/locales.js';
import type { ChatModel } from '../state/createChatModel.js';
import { Icon } from './Icon.js';

/** Textbox, image picker and Send (Stop while an answer streams). Enter sends, Shift+Enter adds a line. */
export function Composer({ model, t, autoFocus }: { model: ChatModel; t: Strings; autoFocus: boolean }) {
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const open = model.open.value;
  const streaming = model.streaming.value;
  const attachments = model.attachments.value;
  useEffect(() => {
    // No autofocus on touch devices: it would pop the keyboard over the page.
    if (open && autoFocus) input.current?.focus();
  }, [open, autoFocus]);
  const canSend = !!model.draft.value.trim() || attachments.some((a) => a.status === 'done');
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        model.send();
      }}
    >
      {!!attachments.length && (
        <div class="thumbs">
          {attachments.map((a) => (
            <div key={a.key} class={`att ${a.status}`}>
              <img src={a.previewUrl} alt={a.name} />
              {a.status === 'uploading' && <progress max={1} value={a.progress} aria-label={`${t.uploading} ${a.name}`} />}
              <button type="button" class="icon" aria-label={`${t.removeImage} ${a.name}`} onClick={() => model.detach(a.key)}>
                ×
              </button>
            </div>
          ))}
        </div>
      )}
      <div class="row">
        <button type="button" class="icon attach" aria-label={t.attach} title={t.attach} onClick={() => picker.current?.click()}>
          <Icon name="attach" />
        </button>
        <input
          ref={picker}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          multiple
          hidden
          onChange={(e) => {
            model.attach([...(e.currentTarget.files ?? [])]);
            e.currentTarget.value = '';
          }}
        />
        <textarea
          ref={input}
          rows={1}
          aria-label={t.message}
          placeholder={t.placeholder}
          value={model.draft.value}
          onInput={(e) => {
            model.draft.value = e.currentTarget.value;
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              model.send();
            }
          }}
          onPaste={(e) => {
            const files = [...(e.clipboardData?.files ?? [])];
            if (files.length) {
              e.preventDefault();
              model.attach(files);
            }
          }}
        />
        {streaming ? (
          <button type="button" class="send" onClick={() => model.stop()}>
            {t.stop}
          </button>
        ) : (
          <button type="submit" class="send" disabled={!canSend}>
            {t.send}
          </button>
        )}
      </div>
    </form>
  );
}
