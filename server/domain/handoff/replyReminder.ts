import type { ConversationRepository } from '../../data/conversationRepository.js';
import type { SiteRepository } from '../../data/siteRepository.js';
import type { JobHandler } from '../jobs/jobWorker.js';

export const REPLY_REMINDER = 'handoff.replyReminder';
/** One reminder per wait: a conversation that waits again later gets a new one. */
export const reminderKey = (conversationId: string, waitingSince: Date) =>
  `${REPLY_REMINDER}:${conversationId}:${waitingSince.getTime()}`;

/** Sends an email (nodemailer over `SMTP_URL` in production, `smtpMailer`). */
export interface Mailer {
  send(mail: { to: string[]; subject: string; text: string }): Promise<void>;
}

/**
 * The job that runs `reminderDelayMs` after a visitor started waiting for a person: if the same wait is still
 * unanswered (waiting, or taken over without a reply), the site's `handoffEmails` get an email with a link to the
 * conversation in the dashboard. The job queue runs it on exactly one instance; an answered wait makes it a no-op.
 */
export function replyReminder(deps: {
  conversations: ConversationRepository;
  sites: SiteRepository;
  mailer: Mailer | null;
  /** The dashboard's public address, for the link. */
  dashboardUrl: string;
  /** The clock `waitingSince` was dated by (the database's). */
  now: () => Date;
}): JobHandler {
  return async ({ job }) => {
    const { conversationId, waitingSince } = job.payload as { conversationId: string; waitingSince: string };
    const c = await deps.conversations.findById(conversationId);
    if (!c || c.tenantId !== job.tenantId) return;
    if (!(c.mode === 'waiting' || c.mode === 'human') || c.waitingSince?.toISOString() !== waitingSince) return;
    const site = await deps.sites.findById(c.siteId);
    if (!site?.handoffEmails.length) return;
    // Without SMTP_URL the inbox is the only notice (the README says so).
    if (!deps.mailer) return;
    const minutes = Math.max(1, Math.round((deps.now().getTime() - new Date(waitingSince).getTime()) / 60_000));
    const link = `${deps.dashboardUrl.replace(/\/$/, '')}/conversations/${c.id}`;
    const who = c.user?.name ?? c.email ?? 'A visitor';
    await deps.mailer.send({
      to: site.handoffEmails,
      subject: `[${site.name}] A visitor is waiting for a reply`,
      text: [
        `${who} asked to talk to a person on ${site.name} ${minutes} minute${minutes === 1 ? '' : 's'} ago and has no reply yet.`,
        c.firstQuestion ? `\nTheir first message: "${c.firstQuestion.slice(0, 300)}"` : '',
        c.email ? `\nThey left their email: ${c.email}` : '',
        `\nOpen the conversation: ${link}`,
      ].join('\n'),
    });
  };
}
