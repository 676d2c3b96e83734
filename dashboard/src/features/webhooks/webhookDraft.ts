import {
  WEBHOOK_EVENT_TYPES,
  type Webhook,
  WebhookCreate,
  type WebhookEventType,
  type WebhookUpdate,
} from '../../../../contract/webhooks.js';

/** What each event means to an owner (README "Webhooks" lists their data). */
export const EVENT_LABELS: Record<WebhookEventType, string> = {
  'conversation.created': 'A visitor starts a conversation',
  'message.created': 'A message is stored (question, answer or agent reply)',
  'feedback.given': 'A visitor rates an answer',
  'lead.captured': 'A visitor leaves their contact details',
  'handoff.requested': 'A visitor asks for a person',
  'source.failed': 'A knowledge source fails to sync',
};

/** The endpoint form while it is filled in. */
export interface WebhookDraft {
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
}

export const draftOf = (webhook?: Webhook): WebhookDraft => ({
  url: webhook?.url ?? '',
  description: webhook?.description ?? '',
  events: webhook?.events ?? ['conversation.created', 'message.created'],
  enabled: webhook?.enabled ?? true,
});

/** The events in the contract's order (a stable body whatever order they were ticked in). */
const ordered = (events: WebhookEventType[]) => WEBHOOK_EVENT_TYPES.filter((type) => events.includes(type));

export const draftToCreate = (draft: WebhookDraft): WebhookCreate => ({
  url: draft.url.trim(),
  events: ordered(draft.events),
  ...(draft.description.trim() ? { description: draft.description } : {}),
  enabled: draft.enabled,
});

/** Only what changed (a PATCH changes only what it names). */
export function draftToUpdate(draft: WebhookDraft, webhook: Webhook): WebhookUpdate {
  const body: WebhookUpdate = {};
  const next = draftToCreate(draft);
  if (next.url !== webhook.url) body.url = next.url;
  if (next.events.join() !== ordered(webhook.events).join()) body.events = next.events;
  if (draft.description.trim() !== (webhook.description ?? '')) body.description = draft.description;
  if (draft.enabled !== webhook.enabled) body.enabled = draft.enabled;
  return body;
}

const FIELD_NAMES: Record<string, string> = { url: 'Address', events: 'Events', description: 'Description' };

/** Checks a draft against the contract before anything is sent; empty when it may be sent. */
export function validateWebhookDraft(draft: WebhookDraft): string[] {
  const result = WebhookCreate.safeParse(draftToCreate(draft));
  if (result.success) return [];
  const problems = result.error.issues.map((issue) => {
    const field = issue.path[0];
    const where = typeof field === 'string' ? `${FIELD_NAMES[field] ?? field}: ` : '';
    const message = field === 'events' && issue.code === 'too_small' ? 'choose at least one event' : issue.message;
    return `${where}${message}`;
  });
  return [...new Set(problems)];
}
