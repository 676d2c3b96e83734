import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import type { LeadForm, LeadRequest } from '../../../contract/index.js';
import type { LeadStrings } from '../i18n/leadLocales.js';

type Field = 'name' | 'email';
type Problem = 'required' | 'emailInvalid' | 'invalid';
/** Why a submission did not go through: a field the server refused, or anything else (`failed`). */
export type LeadRefusal = { field: Field; problem: Problem } | 'failed';

/**
 * The lead form: the fields the site asks for, each labelled, marked optional or required, with its error announced
 * next to it; "Skip" when nothing is required. The server checks the values (email format, lengths) and has the last
 * word: a refusal marks the field it names.
 */
export function LeadFormView({
  form,
  t,
  submit,
  skip,
  autoFocus,
}: {
  form: LeadForm;
  t: LeadStrings;
  /** Stores the values; resolves to `null`, or to why they were refused. */
  submit: (values: Pick<LeadRequest, 'name' | 'email'>) => Promise<LeadRefusal | null>;
  skip: () => void;
  autoFocus: boolean;
}) {
  const values = useSignal<Record<Field, string>>({ name: '', email: '' });
  const problems = useSignal<Partial<Record<Field, Problem>>>({});
  const failed = useSignal(false);
  const busy = useSignal(false);
  const inputs = { name: useRef<HTMLInputElement>(null), email: useRef<HTMLInputElement>(null) };
  const fields = (['name', 'email'] as const).filter((field) => form[field] !== 'off');
  const anyRequired = fields.some((field) => form[field] === 'required');
  const first = inputs[fields[0] ?? 'email'];
  useEffect(() => {
    if (autoFocus) first.current?.focus();
  }, [autoFocus, first]);

  const show = (found: Partial<Record<Field, Problem>>) => {
    problems.value = found;
    const first = fields.find((field) => found[field]);
    if (first) inputs[first].current?.focus();
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (busy.value) return;
    failed.value = false;
    const given = Object.fromEntries(
      fields.map((field) => [field, values.value[field].trim()]).filter(([, value]) => value),
    ) as Pick<LeadRequest, 'name' | 'email'>;
    const missing = Object.fromEntries(
      fields.filter((field) => form[field] === 'required' && !given[field]).map((field) => [field, 'required' as const]),
    );
    if (Object.keys(missing).length) return show(missing);
    if (!given.name && !given.email) return skip();
    problems.value = {};
    busy.value = true;
    const refusal = await submit(given);
    busy.value = false;
    // A refusal naming a field this form does not show cannot be mended here: said as a failure.
    if (refusal === 'failed' || (refusal && !fields.includes(refusal.field))) failed.value = true;
    else if (refusal) show({ [refusal.field]: refusal.problem });
  };

  return (
    <form class="lead" noValidate aria-label={t.intro} onSubmit={onSubmit}>
      <p>{t.intro}</p>
      {fields.map((field) => {
        const problem = problems.value[field];
        const errorId = `cw-lead-${field}-error`;
        return (
          <div key={field} class="field">
            <label>
              {t[field]}
              {form[field] === 'optional' && ` ${t.optional}`}
              <input
                ref={inputs[field]}
                type={(field === 'email' ? 'email' : 'text') as 'text'}
                name={field}
                autocomplete={field}
                maxLength={field === 'email' ? 320 : 100}
                required={form[field] === 'required'}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? errorId : undefined}
                value={values.value[field]}
                onInput={(e) => {
                  values.value = { ...values.value, [field]: e.currentTarget.value };
                }}
              />
            </label>
            {problem && (
              <span id={errorId} class="err" role="alert">
                {t[problem]}
              </span>
            )}
          </div>
        );
      })}
      <div class="row">
        <button type="submit" class="send" disabled={busy.value}>
          {t.submit}
        </button>
        {!anyRequired && (
          <button type="button" class="link" onClick={skip}>
            {t.skip}
          </button>
        )}
      </div>
      {failed.value && <p role="alert">{t.failed}</p>}
    </form>
  );
}
