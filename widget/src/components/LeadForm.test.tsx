import { describe, expect, it } from 'vitest';
import type { LeadForm } from '../../../contract/index.js';
import { until } from '../test/until.js';
import { widgetPages } from '../test/widgetPage.js';

const pages = widgetPages();

function start(leadCapture: LeadForm | null, options: { locale?: string } = {}) {
  pages.server.site.leadCapture = leadCapture;
  const ui = pages.start(options);
  const form = () => ui.$<HTMLFormElement>('form.lead');
  const input = (label: string) =>
    [...ui.shadow.querySelectorAll('form.lead label')].find((l) => l.textContent?.startsWith(label))?.querySelector('input') ??
    null;
  const type = (label: string, value: string) => {
    const box = input(label)!;
    box.value = value;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const alerts = () => [...ui.shadow.querySelectorAll('form.lead [role=alert]')].map((a) => a.textContent);
  /** The lead chunk's polite live region (outside the form, so it stays when the form goes). */
  const thanks = () => ui.$('.lead-done[role=status]')?.textContent ?? null;
  return { ...ui, form, input, type, alerts, thanks };
}

const leadRequests = () => pages.server.requests.filter((r) => r.path === 'leads');

describe('the lead form', () => {
  it('is not loaded nor shown when the site does not ask', async () => {
    const ui = start(null);
    await ui.open();
    await ui.send('Hello');
    expect(ui.form()).toBeNull();
    expect(leadRequests()).toEqual([]);
  });

  it('before the chat: stands in for the composer, announces errors per field, and sends what the visitor typed', async () => {
    const ui = start({ when: 'before', afterMessages: 3, name: 'optional', email: 'required' });
    await ui.open();
    await until(() => ui.form());
    expect(ui.byLabel('Message')).toBeNull();
    // Labelled fields; the optional one says so; no Skip while a field is required.
    expect(ui.input('Your name (optional)')?.getAttribute('autocomplete')).toBe('name');
    expect(ui.input('Your email')?.required).toBe(true);
    expect(ui.buttons('Skip')).toHaveLength(0);
    await until(() => ui.shadow.activeElement === ui.input('Your name'));
    // The live region is there before anything is said in it (screen readers announce changes, not new regions).
    expect(ui.thanks()).toBe('');

    // The required field left empty: announced next to it, and focused.
    ui.buttons('Save my details')[0]!.click();
    await until(() => ui.alerts().length === 1);
    expect(ui.alerts()).toEqual(['Please fill in this field.']);
    const email = ui.input('Your email')!;
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(ui.shadow.getElementById(email.getAttribute('aria-describedby')!)?.textContent).toBe('Please fill in this field.');
    await until(() => ui.shadow.activeElement === email);
    expect(leadRequests()).toEqual([]);

    ui.type('Your name', '  Ada ');
    ui.type('Your email', 'ada@example.com');
    ui.buttons('Save my details')[0]!.click();
    await until(() => !ui.form() && ui.byLabel('Message'));
    expect(ui.thanks()).toBe('Thanks, we have your details.');
    expect(leadRequests().map((r) => r.body)).toEqual([{ name: 'Ada', email: 'ada@example.com' }]);
    expect(pages.server.leads.size).toBe(1);

    // A reload: the server says the details are there; the form is not shown again.
    ui.widget.destroy();
    const again = start({ when: 'before', afterMessages: 3, name: 'optional', email: 'required' });
    await again.open();
    await again.send('Hello again');
    expect(again.form()).toBeNull();
  });

  it('marks the field the server refuses, by the error’s field details, and says so when the request fails', async () => {
    const ui = start({ when: 'before', afterMessages: 3, name: 'off', email: 'required' });
    await ui.open();
    await until(() => ui.form());
    expect(ui.input('Your name')).toBeNull();
    // Refused the way the real server refuses a bad format: 400 with the field and its code in `details.fields`.
    pages.server.failNextLead = {
      status: 400,
      code: 'invalid_request',
      message: 'Invalid body.email: Invalid email address',
      details: { fields: [{ in: 'body', path: 'email', code: 'invalid_email', message: 'Invalid email address' }] },
    };
    ui.type('Your email', 'not-an-email@');
    ui.buttons('Save my details')[0]!.click();
    await until(() => ui.alerts().length === 1);
    expect(ui.alerts()).toEqual(['Please enter a valid email address.']);
    expect(ui.input('Your email')?.getAttribute('aria-invalid')).toBe('true');
    // The details decide, not the message's words; a refusal that names no field this form shows (none, or one it
    // does not ask for) is a failure to retry, as is a network failure. Each answer replaces what the previous one said.
    const tooLong = {
      status: 400,
      code: 'invalid_request',
      message: 'Invalid body.name: a message naming another field',
      details: { fields: [{ in: 'body' as const, path: 'email', code: 'too_long' as const, message: 'Too big' }] },
    };
    const notShown = { fields: [{ in: 'body' as const, path: 'name', code: 'not_asked' as const, message: 'not asked' }] };
    for (const failure of [undefined, notShown, 'offline' as const]) {
      pages.server.failNextLead = tooLong;
      ui.buttons('Save my details')[0]!.click();
      await until(() => ui.alerts().join() === 'Please check this field.');
      expect(ui.input('Your email')?.getAttribute('aria-invalid')).toBe('true');
      if (failure === 'offline') pages.server.offline = true;
      else
        pages.server.failNextLead = {
          status: 422,
          code: 'invalid_lead',
          message: 'Invalid body.email: refused',
          details: failure,
        };
      ui.buttons('Save my details')[0]!.click();
      await until(() => ui.alerts().join() === 'That did not work. Please retry.');
      expect(ui.input('Your email')?.getAttribute('aria-invalid')).toBeNull();
      expect(ui.thanks()).toBe('');
    }
    pages.server.offline = false;
    ui.type('Your email', 'ada@example.com');
    ui.buttons('Save my details')[0]!.click();
    await until(() => !ui.form());
    expect(pages.events).toContain('error');
  });

  it('after N visitor messages, optional fields: Skip hides it for good in this browser', async () => {
    const ui = start({ when: 'after', afterMessages: 2, name: 'optional', email: 'optional' });
    await ui.open();
    await ui.send('First');
    expect(ui.form()).toBeNull();
    await ui.send('Second');
    await until(() => ui.form());
    // The composer stays: the form sits under the conversation.
    expect(ui.byLabel('Message')).not.toBeNull();
    ui.buttons('Skip')[0]!.click();
    await until(() => !ui.form());
    expect(leadRequests()).toEqual([]);
    expect(ui.thanks()).toBe(''); // nothing was left: nothing to thank for
    ui.widget.destroy();
    const again = start({ when: 'after', afterMessages: 2, name: 'optional', email: 'optional' });
    await again.open();
    await again.send('Third');
    expect(again.form()).toBeNull();
  });

  it('under an answer from outside the site’s knowledge, with the open conversation named', async () => {
    const ui = start({ when: 'ungrounded', afterMessages: 3, name: 'required', email: 'optional' });
    await ui.open();
    await ui.send('What are your hours?');
    expect(ui.form()).toBeNull();
    pages.server.ungrounded = true;
    await ui.send('Do you sell boats?');
    await until(() => ui.form());
    ui.type('Your name', 'Grace');
    ui.buttons('Save my details')[0]!.click();
    await until(() => !ui.form());
    expect(leadRequests()[0]?.body).toEqual({ name: 'Grace', conversationId: pages.server.conversations[0]!.id });
  });

  it('when no person is online, in place of the handoff’s email field', async () => {
    pages.server.agentsOnline = false;
    const ui = start({ when: 'no_agent', afterMessages: 3, name: 'optional', email: 'required' });
    await ui.open();
    await ui.send('Hello');
    expect(ui.form()).toBeNull();
    ui.buttons('Talk to a person')[0]!.click();
    await until(() => ui.text().includes('No one is online now') && ui.form());
    expect(ui.byLabel('Your email')).toBeNull(); // the handoff's own field (labelled by aria-label) is not shown
    expect(ui.input('Your email')).not.toBeNull();
  });

  it('speaks French and Arabic like the rest of the widget', async () => {
    const fr = start({ when: 'before', afterMessages: 3, name: 'optional', email: 'optional' }, { locale: 'fr' });
    fr.byLabel('Ouvrir le chat')!.click();
    await until(() => fr.form());
    expect(fr.input('Votre nom (facultatif)')).not.toBeNull();
    expect(fr.buttons('Passer')).toHaveLength(1);
    fr.widget.destroy();
    localStorage.clear();
    const ar = start({ when: 'before', afterMessages: 3, name: 'required', email: 'off' }, { locale: 'ar' });
    ar.byLabel('فتح المحادثة')!.click();
    await until(() => ar.form());
    expect(ar.input('اسمك')).not.toBeNull();
    expect(ar.buttons('حفظ بياناتي')).toHaveLength(1);
  });
});
