// Journey 10: lead capture. The owner's site asks for an email after the visitor's first message (required, the name
// optional). A visitor of a site that does not ask never downloads the form; this visitor chats, the form appears in the
// widget's shadow root, an invalid email is refused with the error announced next to the field, a valid one is sent (the
// visitor is thanked in a polite live region) and the chat goes on; the lead shows on the conversation's page in the
// dashboard and a signed `lead.captured` reaches the owner's webhook receiver.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent, WebhookWithSecret } from '../contract/webhooks.js';
import { startWebhookReceiver, type WebhookReceiver } from '../server/test/webhookReceiver.js';
import { browserContexts, keepScreenshot, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  // The receiver is on 127.0.0.1, which webhook deliveries refuse unless told it is an intranet.
  server = await startE2eServer(import.meta.url, { env: { ALLOW_PRIVATE_HOSTS: 'true' } });
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});
// Registered after the servers' hooks: the browser closes before they stop.
const chromium = browserContexts({ visitor: { width: 1280, height: 800 }, admin: { width: 1280, height: 900 } });

/** Every request the page makes, in order, as paths (`/widget.js`, `/lead-<hash>.js`, `/v1/widget/leads`). */
function networkLog(page: Page): string[] {
  const log: string[] = [];
  page.on('request', (request) => log.push(new URL(request.url()).pathname));
  return log;
}
const isLeadChunk = (path: string) => /\/lead-[\w-]+\.js$/.test(path);

describe('journey 10: lead capture', () => {
  it('asks for an email after the first message, refuses a bad one aloud, and the lead reaches the dashboard and the webhook', async () => {
    // A visitor while the site asks nothing (in a browser of their own): the chat works, the form's chunk is never fetched.
    const quiet = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const before = await quiet.newPage();
    const beforeLog = networkLog(before);
    const beforeUi = widgetUi(before);
    await before.goto(`${server.url}/`);
    await beforeUi.open();
    await beforeUi.ask('How do I add the widget to my site?');
    // The panel's own lazy chunk was fetched: the log sees the widget's chunks.
    expect(beforeLog.some((path) => /\/panel-[\w-]+\.js$/.test(path))).toBe(true);
    expect(beforeLog.filter(isLeadChunk)).toEqual([]);
    await quiet.close();

    // The owner subscribes a receiver to lead.captured and turns lead capture on: email required after 1 message.
    const hook = await server.admin<WebhookWithSecret>('/v1/admin/webhooks', {
      method: 'POST',
      json: { url: `${receiver.origin}/leads`, events: ['lead.captured'] },
    });
    receiver.trustSecret('/leads', hook.secret);
    await server.admin(`/v1/admin/sites/${server.demoSite.id}`, {
      method: 'PATCH',
      json: { leadCapture: { enabled: true, when: 'after', afterMessages: 1, name: 'optional', email: 'required' } },
    });

    // A new visitor: nothing of the form until their first message is sent.
    const site = await chromium.visitor.newPage();
    const siteErrors = watchErrors(site);
    const log = networkLog(site);
    const ui = widgetUi(site);
    await site.goto(`${server.url}/`);
    await ui.open();
    expect(log.filter(isLeadChunk)).toEqual([]);
    const form = site.getByRole('form', { name: 'Leave your details so that we can get back to you.' });
    expect(await form.count()).toBe(0);
    const sent = log.length;
    await ui.ask('How do I add the widget to my site?');

    // The form appears in the widget's shadow root, its chunk fetched once, as the message was sent.
    await form.waitFor();
    expect(
      await site.locator('[data-chat-widget]').evaluate((host) => host.shadowRoot?.querySelector('form.lead') !== null),
    ).toBe(true);
    const chunks = log.flatMap((path, i) => (isLeadChunk(path) ? [i] : []));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBeGreaterThanOrEqual(sent);
    const name = form.getByRole('textbox', { name: 'Your name (optional)' });
    const email = form.getByRole('textbox', { name: 'Your email' });
    expect(await email.getAttribute('required')).not.toBeNull();
    // The chat goes on meanwhile: the composer stays under the form.
    expect(await ui.box.isVisible()).toBe(true);

    // An invalid email: the server refuses it (400, the field named in details.fields) and the form says so aloud,
    // next to the field, which gets the focus.
    await name.fill('Ada Lovelace');
    await email.fill('ada@example');
    const refused = site.waitForResponse((res) => res.url().endsWith('/v1/widget/leads'));
    await form.getByRole('button', { name: 'Save my details' }).click();
    const refusal = await refused;
    expect(refusal.status()).toBe(400);
    expect((await refusal.json()).error.details.fields).toEqual([
      { in: 'body', path: 'email', code: 'invalid_email', message: expect.any(String) },
    ]);
    const alert = form.getByRole('alert');
    await eventually(() => alert.textContent()).toBe('Please enter a valid email address.');
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await email.getAttribute('aria-describedby')).toBe(await alert.getAttribute('id'));
    expect(await name.getAttribute('aria-invalid')).toBeNull();
    await eventually(() => email.evaluate((input) => (input.getRootNode() as ShadowRoot).activeElement === input)).toBe(true);
    await keepScreenshot(site, 'journey-10-lead-form-error');

    // A valid one is sent: the form goes and the chat continues without asking again.
    await email.fill('ada@example.com');
    const accepted = site.waitForResponse((res) => res.url().endsWith('/v1/widget/leads'));
    await email.press('Enter');
    expect((await accepted).status()).toBe(200);
    await eventually(() => form.count()).toBe(0);
    // The visitor is thanked in a polite live region (role status), which stays when the form goes.
    const thanks = site.getByRole('status').filter({ hasText: 'Thanks, we have your details.' });
    await eventually(() => thanks.count()).toBe(1);
    expect(await thanks.evaluate((region) => region.closest('form'))).toBeNull();
    await ui.ask('Can I change the colours of the widget?');
    expect(await form.count()).toBe(0);
    expect(log.filter(isLeadChunk)).toHaveLength(1);
    expect(log.filter((path) => path === '/v1/widget/leads')).toHaveLength(2);
    await keepScreenshot(site, 'journey-10-chat-after-lead');

    // The owner finds the conversation by the Lead filter and sees the lead in its visitor details.
    const dashboard = await chromium.admin.newPage();
    const dashboardErrors = watchErrors(dashboard);
    await dashboard.goto(`${server.url}/dashboard/#token=${server.adminToken}`);
    await dashboard.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await dashboard.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
    await eventually(() => dashboard.locator('.row-title').count()).toBe(2);
    await dashboard.getByLabel('Lead').selectOption({ label: 'Has lead' });
    await eventually(() => dashboard.locator('.row-title').count()).toBe(1);
    await dashboard.getByRole('link', { name: 'How do I add the widget to my site?' }).click();
    await dashboard.getByRole('heading', { name: 'How do I add the widget to my site?', level: 1 }).waitFor();
    const details = dashboard.locator('dl.details');
    await eventually(() => details.textContent()).toContain('Ada Lovelace · ada@example.com');
    await keepScreenshot(dashboard, 'journey-10-dashboard-lead');
    const conversationId = new URL(dashboard.url()).pathname.split('/').pop();

    // The receiver got one lead.captured, signed with the endpoint's secret, about this visitor and conversation.
    await eventually(() => receiver.at('/leads').length, 15_000).toBe(1);
    const [delivery] = receiver.at('/leads');
    expect(delivery?.verified).toBe(true);
    const event = JSON.parse(delivery?.body ?? '{}') as WebhookEvent;
    expect(event).toMatchObject({
      type: 'lead.captured',
      data: {
        siteId: server.demoSite.id,
        conversationId,
        lead: { name: 'Ada Lovelace', email: 'ada@example.com' },
      },
    });
    expect(delivery?.headers['webhook-id']).toBe(event.id);

    // Chromium itself logs the refused request ("Failed to load resource … 400"); the widget adds nothing.
    expect(siteErrors).toEqual([expect.stringMatching(/status of 400\b.*\/v1\/widget\/leads\)$/)]);
    expect(dashboardErrors).toEqual([]);
  });
});
