import { useSignal } from '@preact/signals';
import type { ModeEvent } from '../../../contract/index.js';
import type { HandoffStrings } from '../i18n/locales.js';

// The same shape the server's check accepts for most addresses; the server has the last word.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** While a person is asked for or present: who will answer, and an email field when no one is online. */
export function HandoffStatus({
  person,
  request,
  t,
  askEmail,
}: {
  person: ModeEvent;
  request: (email: string) => Promise<void>;
  t: HandoffStrings;
  /** False when the site's lead form asks for the visitor's details instead. */
  askEmail: boolean;
}) {
  const email = useSignal('');
  const note = useSignal<'emailInvalid' | 'emailSaved' | 'failed' | null>(null);
  const { mode, agentsOnline } = person;
  if (mode === 'human') return <p class="handoff">{t.withPerson}</p>;
  return (
    <div class="handoff" role="status">
      <p>{agentsOnline ? t.waitingOnline : t.waitingOffline}</p>
      {!agentsOnline && askEmail && note.value !== 'emailSaved' && (
        <form
          class="row"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const value = email.value.trim();
            if (!EMAIL.test(value)) note.value = 'emailInvalid';
            else
              request(value).then(
                () => {
                  note.value = 'emailSaved';
                },
                () => {
                  note.value = 'failed';
                },
              );
          }}
        >
          <input
            type="email"
            autocomplete="email"
            aria-label={t.email}
            placeholder={t.email}
            aria-invalid={note.value === 'emailInvalid'}
            value={email.value}
            onInput={(e) => {
              email.value = e.currentTarget.value;
            }}
          />
          <button type="submit" class="send">
            {t.emailSave}
          </button>
        </form>
      )}
      {note.value && <p>{t[note.value]}</p>}
    </div>
  );
}
