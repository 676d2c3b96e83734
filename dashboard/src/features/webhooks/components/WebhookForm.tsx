import { useId, useState } from 'react';
import { WEBHOOK_EVENT_TYPES } from '../../../../../contract/webhooks.js';
import { FieldRefusal, refusedAria, refusedFields } from '../../../components/RefusedField.js';
import { ErrorState, ProblemList } from '../../../components/States.js';
import { EVENT_LABELS, validateWebhookDraft, type WebhookDraft } from '../webhookDraft.js';

/** An endpoint's address, description, events and whether it is on; for adding one and for editing one. */
export function WebhookForm({
  title,
  initial,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: {
  title: string;
  initial: WebhookDraft;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit: (draft: WebhookDraft, reset: () => void) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<string[]>([]);
  const id = useId();
  const refused = refusedFields(error);
  const set = <K extends keyof WebhookDraft>(key: K, value: WebhookDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <form
      className="card webhook-form"
      aria-labelledby={`${id}-title`}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const found = validateWebhookDraft(draft);
        setProblems(found);
        if (!found.length) onSubmit(draft, () => setDraft(initial));
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div className="field">
        <label htmlFor={`${id}-url`}>Address</label>
        <input
          id={`${id}-url`}
          type="url"
          inputMode="url"
          placeholder="https://example.com/hooks/chat"
          value={draft.url}
          {...refusedAria(refused, 'url', `${id}-url`, `${id}-url-help`)}
          onChange={(e) => set('url', e.target.value)}
        />
        <FieldRefusal refused={refused} path="url" id={`${id}-url`} />
        <small id={`${id}-url-help`}>Each event is POSTed here as signed JSON. Private addresses are refused.</small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description (optional)</label>
        <input
          id={`${id}-description`}
          value={draft.description}
          {...refusedAria(refused, 'description', `${id}-description`)}
          onChange={(e) => set('description', e.target.value)}
        />
        <FieldRefusal refused={refused} path="description" id={`${id}-description`} />
      </div>
      <fieldset className="field">
        <legend>Events</legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <label key={type} className="check">
            <input
              type="checkbox"
              checked={draft.events.includes(type)}
              onChange={(e) => set('events', e.target.checked ? [...draft.events, type] : draft.events.filter((t) => t !== type))}
            />
            <span>
              {EVENT_LABELS[type]} <code>{type}</code>
            </span>
          </label>
        ))}
        <FieldRefusal refused={refused} path="events" id={`${id}-events`} />
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        <span>Enabled</span>
      </label>
      <ProblemList problems={problems} />
      {error ? <ErrorState error={error} title="The server refused it" /> : null}
      <div className="row-actions add-source-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
