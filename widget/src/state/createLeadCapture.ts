import { computed, effect, type ReadonlySignal, type Signal, signal } from '@preact/signals';
import type { LeadForm, ModeEvent } from '../../../contract/index.js';
import type { ChatDeps } from './ChatDeps.js';
import type { ChatItem } from './ChatItem.js';
import type { Lead } from './createLead.js';
import type { SessionState } from './createSessionState.js';

/** Whether the site's lead form is due now, by its moment (`contract/leads.ts`). */
export function leadMomentCame(form: LeadForm, items: ChatItem[], person: ModeEvent): boolean {
  if (form.when === 'before') return true;
  if (form.when === 'after') return items.filter((item) => item.role === 'user').length >= form.afterMessages;
  if (form.when === 'ungrounded')
    return items.some((item) => item.role === 'assistant' && item.message?.grounded === false && item.status === 'complete');
  return person.mode === 'waiting' && !person.agentsOnline;
}

/**
 * The lead form: due when the site asks, its moment came and the visitor has neither left their details nor skipped it
 * (the server says the first, this browser remembers the second); its chunk loads only then.
 */
export function createLeadCapture(
  deps: ChatDeps,
  session: SessionState,
  state: {
    ready: ReadonlySignal<boolean>;
    items: ReadonlySignal<ChatItem[]>;
    person: Signal<ModeEvent>;
    conversationId: Signal<string | null>;
    report: (error: unknown) => void;
  },
) {
  const form = computed(() => session.site.value?.leadCapture ?? null);
  const due = computed(() => {
    const asked = form.value;
    return Boolean(
      asked && state.ready.value && !session.leadDone.value && leadMomentCame(asked, state.items.value, state.person.value),
    );
  });
  const part = signal<Lead | null>(null);
  let loading: Promise<Lead> | null = null;
  const load = (): Promise<Lead> =>
    (loading ??= import('../lead/lead.js').then(
      (m) => {
        part.value = m.createLead({
          deps,
          session,
          conversationId: () => state.conversationId.value,
          finish: session.finishLead,
        });
        return part.value;
      },
      (error) => {
        loading = null;
        throw error;
      },
    ));
  effect(() => {
    if (due.value) load().catch(state.report);
  });
  return {
    /** The form's setting while it is due (else null), and its UI once its chunk is loaded. */
    leadForm: computed(() => (due.value ? form.value : null)),
    lead: part,
  };
}
