import { signal } from '@preact/signals';
import type { JSX } from 'preact';
import type { FieldError, FieldErrorCode, LeadForm } from '../../../contract/index.js';
import { ApiError } from '../api/ApiError.js';
import { leaveLead } from '../api/leaveLead.js';
import { LeadFormView, type LeadRefusal } from '../components/LeadFormView.js';
import { leadLocales } from '../i18n/leadLocales.js';
import type { ChatDeps } from './ChatDeps.js';
import type { SessionState } from './createSessionState.js';
import { reportError } from './notice.js';

const leadCss = `.lead{padding:8px 16px;font-size:13px;border-top:1px solid #e6e8eb;display:flex;flex-direction:column;gap:6px}
.lead p{margin:0}.lead label{display:flex;flex-direction:column;gap:2px}.lead .err{color:#b91c1c}.lead .row{align-items:center}
.lead input{border:1px solid #c9cdd2;border-radius:10px;padding:8px 10px;font:inherit;font-size:16px}
.lead input[aria-invalid]{border-color:#b91c1c}.lead-done:not(:empty){margin:0;padding:8px 16px;font-size:13px}`;

/** A field of the form that the server refused, in the body it was sent. */
const isFormField = (field: FieldError): field is FieldError & { path: 'name' | 'email' } =>
  field.in === 'body' && (field.path === 'name' || field.path === 'email');
/** What the form says about a refused field, by its code; any other code is `invalid` ("Please check this field"). */
const PROBLEMS: Partial<Record<FieldErrorCode, Exclude<LeadRefusal, 'failed'>['problem']>> = {
  invalid_email: 'emailInvalid',
  required: 'required',
};

/** What the lead chunk reads from the chat model. */
export interface LeadDeps {
  deps: ChatDeps;
  session: SessionState;
  /** The open conversation (named in the lead, for the webhook). */
  conversationId: () => string | null;
  /** The visitor left their details, or skipped the form. */
  finish: (skipped: boolean) => void;
}

/** The lead form (the lazily loaded lead chunk): its UI and the request that stores what the visitor typed. */
export interface Lead {
  render: (form: LeadForm) => JSX.Element;
  /**
   * A polite live region, empty until the visitor's details are stored, then thanking them. Rendered from the moment
   * the chunk loads, form or not, so screen readers announce the thanks as it appears.
   */
  status: () => JSX.Element;
}

export function createLead({ deps, session, conversationId, finish }: LeadDeps): Lead {
  deps.addStyles?.(leadCss);
  const t = leadLocales[deps.locale] ?? leadLocales.en!;
  const thanked = signal(false);
  const submit = async (values: { name?: string; email?: string }): Promise<LeadRefusal | null> => {
    const id = conversationId();
    try {
      await session.authed(() => leaveLead(session.ctx, { ...values, ...(id ? { conversationId: id } : {}) }));
    } catch (error) {
      reportError(deps.emit, error);
      // A refused value: the error's `details.fields` names the field and why (`contract/fieldErrors.ts`).
      const refused = error instanceof ApiError ? error.fields.find(isFormField) : undefined;
      if (!refused) return 'failed';
      return { field: refused.path, problem: PROBLEMS[refused.code] ?? 'invalid' };
    }
    thanked.value = true;
    finish(false);
    return null;
  };
  return {
    render: (form) => (
      <LeadFormView form={form} t={t} submit={submit} skip={() => finish(true)} autoFocus={form.when === 'before'} />
    ),
    status: () => (
      <p class="lead-done" role="status">
        {thanked.value ? t.thanks : ''}
      </p>
    ),
  };
}
