import type { Lead, LeadRequest } from '../../../contract/leads.js';
import type { ConversationRepository } from '../../data/conversationRepository.js';
import { type CursorPosition, oid } from '../../data/cursor.js';
import type { SiteRecord } from '../../data/siteRepository.js';
import type { LeadRecord, VisitorRepository } from '../../data/visitorRepository.js';
import { AppError, invalidFields, notFound } from '../../lib/AppError.js';
import { ownConversation } from '../conversationAccess.js';
import type { ConversationWindow } from '../conversationWindow.js';
import { toLeadView } from '../views.js';
import type { VisitorIdentity } from '../visitorTokens.js';
import { type EmitWebhook, webhookData } from '../webhooks/webhookEvents.js';

export interface LeadServiceDeps {
  visitors: VisitorRepository;
  conversations: ConversationRepository;
  /** Orders the copy onto each conversation with that conversation's other writes. */
  window: Pick<ConversationWindow, 'serialized'>;
  emit?: EmitWebhook;
  now?: () => Date;
}

/** Conversations of one visitor read per page while the lead is copied onto them. */
const PAGE = 100;

/** A well-formed request the site's setting does not take (a field it does not ask for, or one it requires missing). */
const invalid = (path: 'name' | 'email', code: 'not_asked' | 'required', message: string) =>
  invalidFields(422, 'invalid_lead', [{ in: 'body', path, code, message }]);

/**
 * Lead capture: the visitor's name and email, left through the widget's form when the site asks. The visitor holds the
 * lead; each of their conversations keeps a copy, so the admin list filters on it and the export reads it without a
 * join.
 */
export function leadService(deps: LeadServiceDeps) {
  const { visitors, conversations, window } = deps;
  const now = deps.now ?? (() => new Date());

  /** Copies the lead onto every conversation of the visitor, each under its conversation's lock. */
  async function copyToConversations(visitor: VisitorIdentity, lead: LeadRecord): Promise<void> {
    let after: CursorPosition | undefined;
    for (;;) {
      const page = await conversations.list({ tenantId: visitor.tenantId, visitorId: visitor.visitorId }, PAGE, after);
      for (const conversation of page.items)
        await window.serialized(conversation.id, () => conversations.setLead(conversation.id, lead));
      const last = page.items.at(-1);
      if (!page.nextCursor || !last) return;
      after = { at: last.lastMessageAt, id: oid(last.id) };
    }
  }

  return {
    /**
     * `POST /v1/widget/leads`: stores what the visitor left (a field left out keeps what was stored) and, when that
     * changed anything, copies it onto their conversations and emits `lead.captured`. The same request again changes
     * nothing and emits nothing.
     */
    async capture(visitor: VisitorIdentity, site: SiteRecord, request: LeadRequest): Promise<Lead> {
      const setting = site.leadCapture;
      if (!setting.enabled) throw new AppError(409, 'lead_capture_off', 'This site does not ask visitors for their details');
      if (request.name !== undefined && setting.name === 'off')
        throw invalid('name', 'not_asked', 'this site does not ask for a name');
      if (request.email !== undefined && setting.email === 'off')
        throw invalid('email', 'not_asked', 'this site does not ask for an email');
      if (request.name === undefined && request.email === undefined)
        throw invalid(setting.email === 'off' ? 'name' : 'email', 'required', 'leave a name or an email');
      const stored = await visitors.findById(visitor.visitorId);
      if (!stored || stored.tenantId !== visitor.tenantId || stored.siteId !== visitor.siteId) throw notFound('Visitor');
      if (request.conversationId) await ownConversation(conversations, visitor, request.conversationId);

      const name = request.name ?? stored.lead?.name ?? null;
      const email = request.email ?? stored.lead?.email ?? null;
      if (setting.name === 'required' && !name) throw invalid('name', 'required', 'this site asks for a name');
      if (setting.email === 'required' && !email) throw invalid('email', 'required', 'this site asks for an email');
      if (stored.lead && stored.lead.name === name && stored.lead.email === email) return toLeadView(stored.lead);

      const at = now();
      const lead: LeadRecord = { name, email, capturedAt: stored.lead?.capturedAt ?? at, updatedAt: at };
      await visitors.setLead(stored.id, lead);
      await copyToConversations(visitor, lead);
      await deps.emit?.(visitor.tenantId, 'lead.captured', () =>
        webhookData.leadCaptured(stored, lead, request.conversationId ?? null),
      );
      return toLeadView(lead);
    },
  };
}
export type LeadService = ReturnType<typeof leadService>;
