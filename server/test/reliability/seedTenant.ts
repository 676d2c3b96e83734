import sharp from 'sharp';
import type { Job } from '../../../contract/jobs.js';
import type { Source } from '../../../contract/knowledge.js';
import type { ImageRef, Message } from '../../../contract/messages.js';
import type { Site, SiteWithSecret } from '../../../contract/sites.js';
import type { WebhookWithSecret } from '../../../contract/webhooks.js';
import type { Conversation } from '../../../contract/widget.js';
import type { TestApp } from '../testApp.js';

export const PAGE_ORIGIN = 'http://localhost:5173';

/** A small real PNG, re-encoded by the upload pipeline like any visitor's picture. */
export const tinyPng = (rgb = { r: 20, g: 120, b: 220 }) =>
  sharp({ create: { width: 16, height: 12, channels: 3, background: rgb } })
    .png()
    .toBuffer();

export async function uploadImage(app: TestApp, token: string, options: { name?: string; conversationId?: string } = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(await tinyPng())], { type: 'image/png' }), options.name ?? 'picture.png');
  if (options.conversationId) form.append('conversationId', options.conversationId);
  return app.request('/v1/widget/images', { method: 'POST', body: form, token, headers: { origin: PAGE_ORIGIN } });
}

export interface SeededVisitor {
  token: string;
  visitorId: string;
  conversation: Conversation;
  question: Message;
  answer: Message;
  image: ImageRef;
  /** What only this visitor may see: its ids and its words (the site's id and name are public to the site's visitors). */
  secrets: string[];
}

export interface SeededTenant {
  label: string;
  /** Text only this tenant's data contains (site name, FAQ, messages). */
  marker: string;
  /** As created, so with its identity secret. */
  site: SiteWithSecret;
  visitor: SeededVisitor;
  /** The deletion of a second site of the tenant: a background job only this tenant may read. */
  job: Job;
  /** A knowledge source of the site (a text snippet holding the marker). */
  source: Source;
  /** A webhook endpoint (on a private address: its deliveries are refused and logged as failed). */
  webhook: WebhookWithSecret;
  /** Every id the tenant owns (site, visitor, conversation, messages, image, job, source). */
  ids: string[];
  /** Strings that must never appear in another tenant's answers: ids, keys, the marker text. */
  secrets: string[];
}

/** One visitor (anonymous, or as `session` identifies it) with a conversation of two turns, a rated answer and an attached image. */
export async function seedVisitor(
  app: TestApp,
  site: Site,
  marker: string,
  session: Record<string, unknown> = {},
): Promise<SeededVisitor> {
  const visitor = await app.startVisitor(site.publicKey, session);
  const conversation = await visitor.newConversation();
  const upload = await uploadImage(app, visitor.token, { conversationId: conversation.id });
  if (upload.status !== 201) throw new Error(`seed upload: ${upload.status} ${await upload.text()}`);
  const image = (await upload.json()) as ImageRef;
  const first = await visitor.send(conversation.id, `${marker} first question`, `${marker}-1`, [image.id]);
  await visitor.send(conversation.id, `${marker} second question`, `${marker}-2`);
  const question = first.events.find((e) => e.event === 'message')?.data as Message;
  const answer = first.events.find((e) => e.event === 'done' || e.event === 'error')?.data as Message;
  if (!question || !answer?.id) throw new Error(`seed send: ${JSON.stringify(first.events)}`);
  const rated = await visitor.request(`/v1/widget/messages/${answer.id}/feedback`, { method: 'POST', json: { rating: 'up' } });
  if (rated.status !== 200) throw new Error(`seed feedback: ${rated.status}`);
  const visitorId = visitor.session.visitorId;
  const secrets = [visitorId, conversation.id, question.id, answer.id, image.id, `${marker} first question`];
  return { token: visitor.token, visitorId, conversation, question, answer, image, secrets };
}

/** A tenant's site (with identity verification, so it has a secret) and one seeded visitor. */
export async function seedTenant(app: TestApp, label: string, adminToken: string): Promise<SeededTenant> {
  const marker = `marker${label}${Math.random().toString(36).slice(2, 8)}`;
  const hooked = await app.request('/v1/admin/webhooks', {
    method: 'POST',
    token: adminToken,
    json: { url: `http://127.0.0.1:9/${marker}`, events: ['conversation.created', 'message.created'] },
  });
  if (hooked.status !== 201) throw new Error(`seed webhook: ${hooked.status} ${await hooked.text()}`);
  const webhook = (await hooked.json()) as WebhookWithSecret;
  const site = await app.createSite(
    {
      name: `${marker} site`,
      allowedOrigins: [PAGE_ORIGIN],
      identityVerification: true,
      faq: [{ question: `${marker} question?`, answer: `${marker} answer.` }],
      leadCapture: { enabled: true, name: 'optional', email: 'optional' },
    },
    adminToken,
  );
  const visitor = await seedVisitor(app, site, marker);
  // The visitor's lead: its name and email carry the marker, so a leak of it is seen.
  const lead = await app.request('/v1/widget/leads', {
    method: 'POST',
    token: visitor.token,
    headers: { origin: PAGE_ORIGIN },
    json: { name: `${marker} lead`, email: `${marker}@lead.example`, conversationId: visitor.conversation.id },
  });
  if (lead.status !== 200) throw new Error(`seed lead: ${lead.status} ${await lead.text()}`);
  const added = await app.request(`/v1/admin/sites/${site.id}/sources`, {
    method: 'POST',
    token: adminToken,
    json: { type: 'text', title: `${marker} source`, text: `${marker} knowledge: the shop opens at nine.` },
  });
  if (added.status !== 202) throw new Error(`seed source: ${added.status} ${await added.text()}`);
  const source = (await added.json()) as Source;
  const deleted = await app.createSite({ name: `${marker} deleted site` }, adminToken);
  const deletion = await app.request(`/v1/admin/sites/${deleted.id}`, { method: 'DELETE', token: adminToken });
  if (deletion.status !== 202) throw new Error(`seed site deletion: ${deletion.status}`);
  const job = (await deletion.json()) as Job;
  const ids = [
    site.id,
    visitor.visitorId,
    visitor.conversation.id,
    visitor.question.id,
    visitor.answer.id,
    visitor.image.id,
    job.id,
    source.id,
    webhook.id,
  ];
  const secrets = [...ids, site.publicKey, marker, webhook.secret, ...(site.identitySecret ? [site.identitySecret] : [])];
  return { label, marker, site, visitor, job, source, webhook, ids, secrets };
}

/** The secrets of `victim` found in a response body, if any. */
export function leakedSecrets(body: string, victim: { secrets: string[] }): string[] {
  return victim.secrets.filter((secret) => body.includes(secret));
}
