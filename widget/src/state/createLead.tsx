import type { JSX } from 'preact';
import type { LeadForm } from '../../../contract/index.js';
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
.lead input[aria-invalid]{border-color:#b91c1c}`;

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
}

export function createLead({ deps, session, conversationId, finish }: LeadDeps): Lead {
  deps.addStyles?.(leadCss);
  const t = leadLocales[deps.locale] ?? leadLocales.en!;
  const submit = async (values: { name?: string; email?: string }): Promise<LeadRefusal | null> => {
    const id = conversationId();
    try {
      await session.authed(() => leaveLead(session.ctx, { ...values, ...(id ? { conversationId: id } : {}) }));
    } catch (error) {
      reportError(deps.emit, error);
      if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422)) return 'failed';
      // A refused value: the server's message names the field (`Invalid body.email: …`); 400 is its format.
      const field = error.message.includes('body.name') ? 'name' : 'email';
      return { field, problem: field === 'email' && error.status === 400 ? 'emailInvalid' : 'invalid' };
    }
    finish(false);
    return null;
  };
  return {
    render: (form) => (
      <LeadFormView form={form} t={t} submit={submit} skip={() => finish(true)} autoFocus={form.when === 'before'} />
    ),
  };
}
