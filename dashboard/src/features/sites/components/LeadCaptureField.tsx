import type { LeadCapture, LeadField, LeadMoment } from '../../../../../contract/index.js';
import { FieldRefusal, type RefusedFields, refusedAria } from '../../../components/RefusedField.js';

const MOMENTS: { value: LeadMoment; label: string }[] = [
  { value: 'before', label: 'Before the chat' },
  { value: 'after', label: 'After a number of visitor messages' },
  { value: 'ungrounded', label: 'When an answer does not come from the knowledge' },
  { value: 'no_agent', label: 'When a person is asked for and no one is online' },
];
const FIELDS: { value: LeadField; label: string }[] = [
  { value: 'required', label: 'Required' },
  { value: 'optional', label: 'Optional (visitors may skip)' },
  { value: 'off', label: 'Not asked' },
];

/** The site's lead capture setting: whether and when the widget asks visitors for their name and email. */
export function LeadCaptureField({
  value,
  refused,
  onChange,
}: {
  value: LeadCapture;
  refused: RefusedFields;
  onChange: (next: LeadCapture) => void;
}) {
  const set = <K extends keyof LeadCapture>(key: K, next: LeadCapture[K]) => onChange({ ...value, [key]: next });
  return (
    <>
      <div className="field">
        <label>
          <input type="checkbox" checked={value.enabled} onChange={(e) => set('enabled', e.target.checked)} /> Ask visitors for
          their details
        </label>
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="lead-when">When</label>
          <select
            id="lead-when"
            value={value.when}
            disabled={!value.enabled}
            {...refusedAria(refused, 'leadCapture', 'lead-capture')}
            onChange={(e) => set('when', e.target.value as LeadMoment)}
          >
            {MOMENTS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        {value.when === 'after' && (
          <div className="field">
            <label htmlFor="lead-after">Visitor messages</label>
            <input
              id="lead-after"
              type="number"
              min={1}
              max={50}
              value={value.afterMessages}
              disabled={!value.enabled}
              onChange={(e) => set('afterMessages', Number(e.target.value))}
            />
          </div>
        )}
      </div>
      <div className="field-row">
        {(['name', 'email'] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`lead-${field}`}>{field === 'name' ? 'Name' : 'Email'}</label>
            <select
              id={`lead-${field}`}
              value={value[field]}
              disabled={!value.enabled}
              onChange={(e) => set(field, e.target.value as LeadField)}
            >
              {FIELDS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </div>
        ))}
      </div>
      <FieldRefusal refused={refused} path="leadCapture" id="lead-capture" />
      <small className="muted">
        What visitors leave shows on their conversations, filters the list, goes into exports and is sent to the lead.captured
        webhook.
      </small>
    </>
  );
}
