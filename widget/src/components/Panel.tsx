import { useSignal } from '@preact/signals';
import type { Strings } from '../i18n/locales.js';
import { type ChatModel, personInvolved } from '../state/createChatModel.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { TalkToPerson } from './TalkToPerson.js';

interface Props {
  model: ChatModel;
  t: Strings;
  onClose: () => void;
  autoFocus: boolean;
}

const imagesIn = (list: DataTransferItemList | FileList | null | undefined): File[] =>
  [...(list ?? [])].flatMap((entry) => {
    const file = entry instanceof File ? entry : (entry as DataTransferItem).getAsFile?.();
    return file ? [file] : [];
  });

/**
 * The chat panel: header, offline banner, message log, the handoff's state (or the action asking for it), notices and
 * composer; a drop target for images.
 */
export function Panel({ model, t, onClose, autoFocus }: Props) {
  const dragging = useSignal(false);
  const look = model.look.value;
  const notice = model.notice.value;
  const phase = model.phase.value;
  // The site's lead form, while it is due; asked before the chat, it stands in for the composer.
  const leadForm = model.leadForm.value;
  return (
    <section
      class={`panel${dragging.value ? ' drop' : ''}`}
      role="dialog"
      aria-label={look.title || t.assistant}
      hidden={!model.open.value}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
      onDragOver={(e) => {
        e.preventDefault();
        dragging.value = true;
      }}
      onDragLeave={() => {
        dragging.value = false;
      }}
      onDrop={(e) => {
        e.preventDefault();
        dragging.value = false;
        model.attach(imagesIn(e.dataTransfer?.files));
      }}
    >
      <header>
        <h2>{look.title ?? ''}</h2>
        <button type="button" class="icon" aria-label={t.newChat} title={t.newChat} onClick={() => model.newConversation()}>
          +
        </button>
        <button type="button" class="icon" aria-label={t.close} title={t.close} onClick={onClose}>
          ×
        </button>
      </header>
      {!model.online.value && (
        <div class="banner" role="status">
          {t.offline}
        </div>
      )}
      {phase === 'failed' && (
        <div class="banner" role="status">
          {t.connectFailed}{' '}
          <button type="button" class="link" onClick={() => model.start()}>
            {t.retry}
          </button>
        </div>
      )}
      <MessageList model={model} t={t} />
      {personInvolved(model.person.value.mode)
        ? model.handoff.value?.render(!leadForm)
        : phase === 'ready' && !model.offerPerson.value && <TalkToPerson model={model} t={t} />}
      {leadForm && model.lead.value?.render(leadForm)}
      {model.lead.value?.status()}
      {notice && (
        <div class="notice" role="alert">
          {t[notice]}
        </div>
      )}
      {leadForm?.when !== 'before' && <Composer model={model} t={t} autoFocus={autoFocus} />}
    </section>
  );
}
