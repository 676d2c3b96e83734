import { Types } from 'mongoose';
import type { AdminConversation } from '../../../contract/admin.js';
import type { Agent, ConversationMode, ModeEvent } from '../../../contract/handoff.js';
import type { Message } from '../../../contract/messages.js';
import type { Conversation } from '../../../contract/widget.js';
import {
  appendSearchText,
  type ConversationRecord,
  type ConversationRepository,
  type HandoffState,
} from '../../data/conversationRepository.js';
import type { JobRepository } from '../../data/jobRepository.js';
import type { LiveEventRepository } from '../../data/liveEventRepository.js';
import { type MessageRecord, type MessageRepository, NO_CITATIONS } from '../../data/messageRepository.js';
import type { VisitorRepository } from '../../data/visitorRepository.js';
import { ownConversation, tenantConversation } from '../conversationAccess.js';
import type { ConversationWindow } from '../conversationWindow.js';
import { type ImageUrlsOf, toConversationView, toMessageView } from '../views.js';
import type { VisitorIdentity } from '../visitorTokens.js';
import { type EmitWebhook, webhookData } from '../webhooks/webhookEvents.js';
import { conversationScope, type LiveLog, tenantScope } from './liveLog.js';
import { REPLY_REMINDER, reminderKey } from './replyReminder.js';

/** At most this many waiting conversations are told when agents come or go (the rest see it at their next event). */
const WAITING_ANNOUNCED = 500;
/** A person is involved: visitor messages go to the agents and the assistant is silent. */
export const withPerson = (mode: ConversationMode) => mode === 'waiting' || mode === 'human';

export interface HandoffDeps {
  conversations: ConversationRepository;
  messages: MessageRepository;
  visitors: VisitorRepository;
  jobs: JobRepository;
  window: ConversationWindow;
  live: LiveLog;
  presence: Pick<LiveEventRepository, 'anyPresent' | 'present' | 'absent'>;
  imageUrls: ImageUrlsOf;
  /** The admin view of a conversation (with its thumbnail). */
  adminView: (conversation: ConversationRecord) => Promise<AdminConversation>;
  /** After this long without an agent reply, the site's admins are emailed. */
  reminderDelayMs: number;
  /** `handoff.requested` at the transition to `waiting`; `message.created` for messages delivered to a person. */
  emit?: EmitWebhook;
  now: () => Date;
}

/**
 * Who answers a conversation, and the messages between a visitor and the agents (contract/handoff.ts). Every change runs
 * under the conversation's lock (the one ordering every instance shares), is written on the conversation by `_id`, then
 * appended to the conversation's live log (the visitor's stream) and the tenant's (the inbox).
 */
export function handoffService(deps: HandoffDeps) {
  const { conversations, messages, window, live, now } = deps;

  const agentsOnline = (tenantId: string) => deps.presence.anyPresent(tenantId, now());
  const modeEvent = async (c: ConversationRecord): Promise<ModeEvent> => ({
    mode: c.mode,
    agentsOnline: await agentsOnline(c.tenantId),
    assignee: c.assignee ? { name: c.assignee.name } : null,
  });

  async function announceMode(c: ConversationRecord) {
    await live.append(conversationScope(c.id), 'mode', {});
    await live.append(tenantScope(c.tenantId), 'conversation', { conversationId: c.id });
  }

  /** Applies `change` to the conversation read fresh under its lock; `null` from `change` changes nothing. */
  async function transition(
    id: string,
    change: (c: ConversationRecord) => Partial<HandoffState> | null,
  ): Promise<ConversationRecord | null> {
    const changed = await window.serialized(id, async () => {
      const fresh = await conversations.findById(id);
      if (!fresh) return null;
      const state = change(fresh);
      if (!state) return null;
      await conversations.setHandoff(id, state);
      const next = { ...fresh, ...state };
      if (state.mode === 'waiting' && fresh.mode !== 'waiting' && next.waitingSince) await scheduleReminder(next);
      return next;
    });
    if (changed) await announceMode(changed);
    return changed;
  }

  async function scheduleReminder(c: ConversationRecord) {
    const since = c.waitingSince as Date;
    await deps.jobs.enqueue(
      {
        type: REPLY_REMINDER,
        key: reminderKey(c.id, since),
        tenantId: c.tenantId,
        payload: { conversationId: c.id, waitingSince: since.toISOString() },
        runAt: new Date(since.getTime() + deps.reminderDelayMs),
      },
      now(),
    );
  }

  /** Asks for a person (from `ai` or `closed`); waiting or with a person already, nothing changes. */
  async function requestPerson(id: string) {
    const changed = await transition(id, (c) =>
      withPerson(c.mode) ? null : { mode: 'waiting', waitingSince: now(), assignee: null, unread: 0 },
    );
    if (changed) await deps.emit?.(changed.tenantId, 'handoff.requested', () => webhookData.handoffRequested(changed));
    return changed;
  }

  /** A message stored in the conversation: into the window and counters, then to the agents and the visitor's tabs. */
  async function deliver(
    c: ConversationRecord,
    message: MessageRecord,
    state: (fresh: ConversationRecord) => Partial<HandoffState>,
  ) {
    await window.serialized(c.id, async () => {
      const fresh = (await conversations.findById(c.id)) ?? c;
      await window.write(c.id, await window.after(fresh, message));
      await conversations.setHandoff(c.id, {
        title: fresh.title || message.text.slice(0, 80) || 'Image',
        firstQuestion: fresh.firstQuestion || (message.role === 'user' ? message.text.slice(0, 300) : ''),
        messageCount: fresh.messageCount + 1,
        hasImages: fresh.hasImages || message.images.length > 0,
        thumbnailImageId: fresh.thumbnailImageId ?? message.images[0]?.id ?? null,
        searchText: appendSearchText(await conversations.searchTextOf(c.id), message.text),
        lastMessageAt: message.createdAt,
        ...state(fresh),
      });
    });
    if (message.role === 'agent')
      await deps.emit?.(c.tenantId, 'message.created', () => webhookData.messageCreated(message, deps.imageUrls));
    await live.append(conversationScope(c.id), 'message', { messageId: message.id });
    await live.append(tenantScope(c.tenantId), 'message', { conversationId: c.id, messageId: message.id });
    await live.append(tenantScope(c.tenantId), 'conversation', { conversationId: c.id });
  }

  /** Waiting visitors' streams re-read their mode, whose `agentsOnline` just changed. */
  async function announcePresence(tenantId: string) {
    for (const id of await conversations.idsWaiting(tenantId, WAITING_ANNOUNCED))
      await live.append(conversationScope(id), 'mode', {});
  }

  return {
    agentsOnline,
    modeEvent,

    /** An agent's inbox stream opened or renewed its lease (`forMs` from now): if nobody was online, waiting visitors learn someone is. */
    async agentPresent(presenceId: string, tenantId: string, forMs: number): Promise<void> {
      const before = await agentsOnline(tenantId);
      await deps.presence.present(presenceId, tenantId, new Date(deps.now().getTime() + forMs));
      if (!before) await announcePresence(tenantId);
    },
    /** An agent's inbox stream closed: if it was the last one, waiting visitors learn nobody is online. */
    async agentAbsent(presenceId: string, tenantId: string): Promise<void> {
      await deps.presence.absent(presenceId);
      if (!(await agentsOnline(tenantId))) await announcePresence(tenantId);
    },

    /** `POST /v1/widget/conversations/:id/handoff`: idempotent; the email is kept on the visitor and the conversation. */
    async request(
      visitor: VisitorIdentity,
      id: string,
      email?: string,
    ): Promise<{ conversation: Conversation; agentsOnline: boolean }> {
      const own = await ownConversation(conversations, visitor, id);
      if (email && email !== own.email) {
        await deps.visitors.setEmail(visitor.visitorId, email);
        await window.serialized(id, () => conversations.setHandoff(id, { email }));
      }
      const changed = await requestPerson(id);
      const current = changed ?? (await conversations.findById(id)) ?? own;
      return { conversation: toConversationView(current), agentsOnline: await agentsOnline(visitor.tenantId) };
    },

    /** The send path's branch: a visitor message while a person is involved (or asking for one) goes to the agents. */
    async visitorMessage(c: ConversationRecord, question: MessageRecord, requested: boolean): Promise<ModeEvent> {
      if (requested) await requestPerson(c.id);
      await deliver(c, question, (fresh) => ({ unread: fresh.unread + 1 }));
      return modeEvent((await conversations.findById(c.id)) ?? c);
    },

    /** A closed conversation's next visitor message goes back to the assistant. */
    reopen: (id: string) =>
      transition(id, (c) => (c.mode === 'closed' ? { mode: 'ai', assignee: null, waitingSince: null } : null)),

    async takeover(tenantId: string, id: string, agent: Agent): Promise<AdminConversation> {
      await tenantConversation(conversations, tenantId, id);
      const changed = await transition(id, (c) =>
        c.mode === 'human' && c.assignee?.id === agent.id
          ? null
          : { mode: 'human', assignee: agent, unread: 0, waitingSince: withPerson(c.mode) ? c.waitingSince : null },
      );
      return deps.adminView(changed ?? (await tenantConversation(conversations, tenantId, id)));
    },

    async release(tenantId: string, id: string): Promise<AdminConversation> {
      await tenantConversation(conversations, tenantId, id);
      const changed = await transition(id, (c) =>
        c.mode === 'ai' ? null : { mode: 'ai', assignee: null, waitingSince: null, unread: 0 },
      );
      return deps.adminView(changed ?? (await tenantConversation(conversations, tenantId, id)));
    },

    async close(tenantId: string, id: string): Promise<AdminConversation> {
      await tenantConversation(conversations, tenantId, id);
      const changed = await transition(id, (c) =>
        c.mode === 'closed' ? null : { mode: 'closed', assignee: null, waitingSince: null, unread: 0 },
      );
      return deps.adminView(changed ?? (await tenantConversation(conversations, tenantId, id)));
    },

    /** An agent's reply: stored as an `agent` message; replying takes the conversation over. */
    async reply(tenantId: string, id: string, agent: Agent, text: string): Promise<Message> {
      const c = await tenantConversation(conversations, tenantId, id);
      const messageId = new Types.ObjectId().toHexString();
      const stored = await messages.insert({
        id: messageId,
        tenantId,
        siteId: c.siteId,
        conversationId: id,
        role: 'agent',
        author: agent,
        text,
        images: [],
        status: 'complete',
        errorCode: null,
        // Unique per message: the messages' unique index includes it.
        clientMessageId: `agent-${messageId}`,
        model: null,
        usage: null,
        ...NO_CITATIONS,
        createdAt: now(),
      });
      if (!stored) throw new Error('An agent message id was taken');
      const before = c.mode;
      await deliver(c, stored, () => ({ mode: 'human', assignee: agent, waitingSince: null, unread: 0 }));
      if (before !== 'human' || c.assignee?.id !== agent.id) await live.append(conversationScope(id), 'mode', {});
      return toMessageView(stored, deps.imageUrls);
    },
  };
}
export type HandoffService = ReturnType<typeof handoffService>;
