import nodemailer from 'nodemailer';
import type { Mailer } from '../domain/handoff/replyReminder.js';

/** The mailer over `SMTP_URL` (e.g. `smtps://user:pass@smtp.example.com`), with `from` as sender. */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to.join(', '), subject: mail.subject, text: mail.text });
    },
  };
}
