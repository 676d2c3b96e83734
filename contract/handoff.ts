import { z } from 'zod';
import type { AdminConversation } from './admin.js';
import { Timestamp, trimmedText, withGrammar } from './common.js';
import type { Message } from './messages.js';

/**
 * Who answers a conversation: the assistant (`ai`), nobody yet while a person was asked for (`waiting`), a person
 * (`human`), or nobody (`closed`: the next visitor message goes back to `ai`).
 */
export const ConversationMode = z.enum(['ai', 'waiting', 'human', 'closed']);
export type ConversationMode = z.infer<typeof ConversationMode>;

/** The agent who wrote a message or holds a conversation. */
export const Agent = z.object({ id: z.string(), name: z.string() });
export type Agent = z.infer<typeof Agent>;

/** `POST /v1/widget/conversations/:id/handoff`: the email is stored on the visitor, for a reply when nobody is online. */
export const HandoffRequest = z.strictObject({ email: withGrammar(z.email().max(320)).optional() });
export type HandoffRequest = z.input<typeof HandoffRequest>;

/** `POST /v1/admin/conversations/:id/messages`: an agent's reply. */
export const AgentReply = z.strictObject({ text: trimmedText(8000, { nonBlank: true }) });
export type AgentReply = z.input<typeof AgentReply>;

/** A conversation's mode as the visitor sees it (the `mode` event, and the end of a send while a person is involved). */
export const ModeEvent = z.object({
  mode: ConversationMode,
  /** At least one agent of the site's organization has the inbox open. */
  agentsOnline: z.boolean(),
  assignee: z.object({ name: z.string() }).nullable(),
});
export type ModeEvent = z.infer<typeof ModeEvent>;

/**
 * How a send ends while a person is involved (`waiting` or `human`), instead of `done`: the question was stored and
 * delivered to the agents, and no assistant answer follows. `handoffRequested` is true when this very message asked for
 * a person (recognised on the server) and so started the handoff.
 */
export const DeliveredEvent = ModeEvent.extend({ handoffRequested: z.boolean() });
export type DeliveredEvent = z.infer<typeof DeliveredEvent>;

/** The events of `GET /v1/widget/conversations/:id/events` (each with an `id:` line; resume with `Last-Event-ID`). */
export interface ConversationEvents {
  /** A message stored in the conversation: an agent's reply, or the visitor's own message sent from another tab. */
  message: Message;
  mode: ModeEvent;
  /** An agent is typing (optional, not stored, never replayed). */
  typing: { name: string };
}

/** The events of `GET /v1/admin/events`, the tenant's live inbox (each with an `id:` line; resume with `Last-Event-ID`). */
export interface InboxEvents {
  /** The admin conversation view, on every mode or unread change and for each new waiting conversation. */
  conversation: AdminConversation;
  message: { conversationId: string; message: Message };
}

/** The handoff fields of the admin conversation view. */
export const HandoffFields = z.object({
  mode: ConversationMode,
  assignee: Agent.nullable(),
  /** Since when the visitor waits for a person (`waiting`, and `human` until the first agent reply), else null. */
  waitingSince: Timestamp.nullable(),
  /** Visitor messages the agents have not seen (since the last agent reply or takeover). */
  unread: z.number().int(),
  /** The visitor's email: left when asking for a person, or the identified user's. */
  email: z.string().nullable(),
});
