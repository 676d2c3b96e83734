import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Webhook, WebhookDelivery } from '../../../../../contract/index.js';
import { WebhookCreate, WebhookUpdate } from '../../../../../contract/index.js';
import { errorBody, type RecordedRequest, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
const hex = (n: number) => n.toString(16).padStart(24, '0');
const AT = '2026-12-01T10:00:00.000Z';
const webhook = (n: number, overrides: Partial<Webhook> = {}): Webhook => ({
  id: hex(0x300 + n),
  url: `https://hooks.example.com/${n}`,
  events: ['message.created'],
  enabled: true,
  description: null,
  disabledReason: null,
  disabledAt: null,
  consecutiveFailures: 0,
  createdAt: AT,
  updatedAt: AT,
  ...overrides,
});
const delivery = (n: number, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery => ({
  id: hex(0x400 + n),
  webhookId: hex(0x301),
  eventId: `evt_${n}`,
  eventType: 'message.created',
  attempt: 1,
  outcome: 'delivered',
  status: 200,
  error: null,
  latencyMs: 42,
  responseExcerpt: 'ok',
  nextAttemptAt: null,
  createdAt: AT,
  ...overrides,
});

let role: 'admin' | 'member' = 'admin';
const hooks = new Map<string, Webhook>();
let logs = new Map<string, WebhookDelivery[]>();
let made = 0;

/** The admin webhook routes as contract/webhooks.ts describes them, over an in-memory list. */
function webhooksApi({ method, path, body, query }: RecordedRequest) {
  if (role !== 'admin' && path.startsWith('/v1/admin/webhooks'))
    return { status: 403, body: errorBody('forbidden', 'Only organization admins can manage webhooks') };
  if (path === '/v1/admin/webhooks' && method === 'GET')
    return { status: 200, body: { items: [...hooks.values()], nextCursor: null } };
  if (path === '/v1/admin/webhooks' && method === 'POST') {
    const parsed = WebhookCreate.safeParse(body);
    if (!parsed.success) return { status: 400, body: errorBody('invalid_request', 'Invalid body') };
    if (parsed.data.url.includes('refused'))
      return { status: 409, body: errorBody('webhook_limit_reached', 'At most 20 endpoints') };
    // As the real service refuses it (webhookService.ts): the field named in details.fields.
    if (new URL(parsed.data.url).username)
      return {
        status: 400,
        body: errorBody('invalid_request', 'Invalid body.url: must not contain credentials', {
          fields: [{ in: 'body', path: 'url', code: 'invalid_url', message: 'must not contain credentials' }],
        }),
      };
    made += 1;
    const created = webhook(50 + made, {
      ...parsed.data,
      description: parsed.data.description ?? null,
      enabled: parsed.data.enabled ?? true,
    });
    hooks.set(created.id, created);
    return { status: 201, body: { ...created, secret: `whsec_${'s'.repeat(40)}${made}` } };
  }
  const one = path.match(/^\/v1\/admin\/webhooks\/(\w+)(\/\w+)?$/);
  const found = one ? hooks.get(one[1] ?? '') : undefined;
  if (!found) return null;
  const action = one?.[2];
  if (!action && method === 'PATCH') {
    const parsed = WebhookUpdate.safeParse(body);
    if (!parsed.success) return { status: 400, body: errorBody('invalid_request', 'Invalid body') };
    const cleared = parsed.data.enabled ? { disabledReason: null, disabledAt: null, consecutiveFailures: 0 } : {};
    const saved = { ...found, ...parsed.data, ...cleared } as Webhook;
    hooks.set(found.id, saved);
    return { status: 200, body: saved };
  }
  if (!action && method === 'DELETE') {
    hooks.delete(found.id);
    return { status: 204 };
  }
  if (action === '/secret' && method === 'POST') return { status: 200, body: { ...found, secret: 'whsec_rotated' } };
  if (action === '/test' && method === 'POST') {
    const list = logs.get(found.id) ?? [];
    logs.set(found.id, [
      delivery(90, {
        webhookId: found.id,
        eventType: 'webhook.test',
        status: 500,
        outcome: 'failed',
        error: 'http_status',
        responseExcerpt: `boom ${XSS}`,
      }),
      ...list,
    ]);
    return { status: 202, body: { eventId: 'evt_test' } };
  }
  if (action === '/deliveries' && method === 'GET') {
    const list = logs.get(found.id) ?? [];
    const start = Number(query.get('cursor') ?? 0);
    const limit = Number(query.get('limit'));
    return {
      status: 200,
      body: { items: list.slice(start, start + limit), nextCursor: start + limit < list.length ? String(start + limit) : null },
    };
  }
  return null;
}

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi((request) => {
    return (
      signedInAnswer(request.path, role) ?? webhooksApi(request) ?? { status: 404, body: errorBody('not_found', 'Not found') }
    );
  });
});
afterAll(() => api.close());
beforeEach(() => {
  role = 'admin';
  made = 0;
  hooks.clear();
  hooks.set(hex(0x301), webhook(1, { description: `CRM ${XSS}`, events: ['conversation.created', 'message.created'] }));
  hooks.set(
    hex(0x302),
    webhook(2, {
      enabled: false,
      disabledReason: '10 failed attempts in a row over 24 hours',
      disabledAt: AT,
      consecutiveFailures: 10,
    }),
  );
  logs = new Map([[hex(0x301), Array.from({ length: 25 }, (_, n) => delivery(n))]]);
});
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => {
  app?.unmount();
  api.requests.length = 0;
});

const { $, $$, text, button, liveRegion } = pageQueries(() => app?.container);
const rows = () => $$('ul[aria-labelledby="webhooks-list-title"] > li');
const row = (url: string) => rows().find((r) => r.textContent?.includes(url));
const writes = () => api.requests.filter((r) => r.method !== 'GET').map((r) => [r.method, r.path, r.body]);
const open = async () => {
  app = renderAppAt(api.baseUrl, '/dashboard/webhooks');
  await waitFor(() => rows().length > 0 || text().includes('Only organization admins'), 5000);
};
const addForm = () => $$<HTMLFormElement>('form.webhook-form').at(-1) as HTMLFormElement;
const check = (form: ParentNode, label: string, on: boolean) => {
  const box = [...form.querySelectorAll('label.check')].find((l) => l.textContent?.includes(label))?.querySelector('input');
  if (!box) throw new Error(`no checkbox ${label}`);
  if (box.checked !== on) box.click();
};

describe('Webhooks page', () => {
  it('lists the endpoints with their events, as text, and the automatic disabling notice', async () => {
    await open();
    expect(document.title).toBe('Webhooks · Chat widget dashboard');
    expect($('nav a[aria-current="page"]')?.textContent).toBe('Webhooks');
    expect(rows()).toHaveLength(2);
    const crm = row('https://hooks.example.com/1')?.textContent ?? '';
    expect(crm).toContain('Enabled');
    expect(crm).toContain(`CRM ${XSS}`);
    expect(crm).toContain('A visitor starts a conversation · A message is stored');
    const broken = row('https://hooks.example.com/2')?.textContent ?? '';
    expect(broken).toContain('Disabled automatically');
    expect(broken).toContain('after repeated failures: 10 failed attempts in a row over 24 hours');
    expect(broken).toContain('10 failed attempts since the last success');
    expect($('[role="alert"].notice')?.textContent).toContain('An endpoint was disabled automatically');
    expect($('img')).toBeNull();
  });

  it('adds an endpoint after checking it, and shows its secret once', async () => {
    await open();
    const form = addForm();
    changeValue(form.querySelector('input[type="url"]') as HTMLInputElement, 'ftp://nope');
    check(form, 'A visitor starts a conversation', false);
    check(form, 'A message is stored', false);
    form.requestSubmit();
    await waitFor(() => form.querySelector('[role="alert"]'));
    expect(form.textContent).toContain('Address: ');
    expect(form.textContent).toContain('Events: choose at least one event');
    expect(writes()).toEqual([]);

    changeValue(form.querySelector('input[type="url"]') as HTMLInputElement, 'https://crm.example.com/in');
    check(form, 'A visitor asks for a person', true);
    check(form, 'A visitor rates an answer', true);
    form.requestSubmit();
    await waitFor(() => $('.secret-once'));
    expect(writes()).toEqual([
      [
        'POST',
        '/v1/admin/webhooks',
        { url: 'https://crm.example.com/in', events: ['feedback.given', 'handoff.requested'], enabled: true },
      ],
    ]);
    expect($('.secret-once code')?.textContent).toBe(`whsec_${'s'.repeat(40)}1`);
    // Focus moves in an effect, which React runs after the commit that showed the secret (later on a busy machine).
    await waitFor(() => document.activeElement === $('#secret-once-title'));
    await waitFor(() => rows().length === 3);
    expect(liveRegion()).toContain('https://crm.example.com/in was added.');
    // The form is empty again; "Done" takes the secret off the page for good.
    expect((addForm().querySelector('input[type="url"]') as HTMLInputElement).value).toBe('');
    button('Done')?.click();
    await waitFor(() => !$('.secret-once'));
    expect(text()).not.toContain('whsec_');
  });

  it("shows the server's refusal of a new endpoint", async () => {
    await open();
    const form = addForm();
    changeValue(form.querySelector('input[type="url"]') as HTMLInputElement, 'https://refused.example.com/in');
    form.requestSubmit();
    await waitFor(() => form.textContent?.includes('At most 20 endpoints'));
    expect(rows()).toHaveLength(2);
    // A refusal naming a field: its message next to that field, which is marked invalid and described by it.
    const url = form.querySelector('input[type="url"]') as HTMLInputElement;
    expect(url.getAttribute('aria-invalid')).toBeNull();
    changeValue(url, 'https://user:pass@crm.example.com/in');
    form.requestSubmit();
    await waitFor(() => url.getAttribute('aria-invalid') === 'true');
    const [refusal, help] = (url.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id));
    expect(refusal?.textContent).toBe('must not contain credentials');
    expect(refusal?.closest('.field')).toBe(url.closest('.field'));
    expect(help?.textContent).toContain('Each event is POSTed here');
    // The description was not refused: left as it was.
    expect(form.querySelector('input:not([type])')?.getAttribute('aria-invalid')).toBeNull();
    // Sent again and accepted: the marks go.
    changeValue(url, 'https://crm.example.com/in');
    form.requestSubmit();
    await waitFor(() => $('.secret-once'));
    expect(addForm().querySelector('[aria-invalid]')).toBeNull();
  });

  it('edits only what changed, enables an automatically disabled endpoint, deletes after confirming', async () => {
    await open();
    button('Edit', row('https://hooks.example.com/1'))?.click();
    const form = await waitFor(() => $<HTMLFormElement>('ul form.webhook-form') as HTMLFormElement);
    changeValue(form.querySelector('input:not([type])') as HTMLInputElement, 'Sales CRM');
    check(form, 'A visitor leaves their contact details', true);
    form.requestSubmit();
    await waitFor(() => !$('ul form.webhook-form'));
    expect(writes()).toEqual([
      [
        'PATCH',
        `/v1/admin/webhooks/${hex(0x301)}`,
        { events: ['conversation.created', 'message.created', 'lead.captured'], description: 'Sales CRM' },
      ],
    ]);
    await waitFor(() => row('https://hooks.example.com/1')?.textContent?.includes('Sales CRM'));

    button('Enable', row('https://hooks.example.com/2'))?.click();
    await waitFor(() => !row('https://hooks.example.com/2')?.textContent?.includes('Disabled'));
    expect(writes().at(-1)).toEqual(['PATCH', `/v1/admin/webhooks/${hex(0x302)}`, { enabled: true }]);
    await waitFor(() => !$('[role="alert"].notice'));

    button('Delete', row('https://hooks.example.com/2'))?.click();
    await waitFor(() => button('Cancel') === document.activeElement);
    button('Yes, delete the endpoint')?.click();
    await waitFor(() => rows().length === 1);
    expect(writes().at(-1)).toEqual(['DELETE', `/v1/admin/webhooks/${hex(0x302)}`, undefined]);
  });

  it('sends a test event and shows it in the delivery log (status, latency, answer as text), paged', async () => {
    await open();
    const crm = row('https://hooks.example.com/1');
    crm?.querySelector<HTMLElement>('summary')?.click();
    await waitFor(() => crm?.querySelectorAll('tbody tr').length === 20);
    expect(crm?.querySelector('tbody tr')?.textContent).toMatch(/message\.created.*Delivered.*200.*42 ms.*ok/);
    button('Load more', crm)?.click();
    await waitFor(() => crm?.querySelectorAll('tbody tr').length === 25);

    button('Send test event', crm)?.click();
    await waitFor(() => crm?.textContent?.includes('Test event queued'));
    await waitFor(() => crm?.querySelector('tbody tr')?.textContent?.includes('webhook.test'));
    const first = crm?.querySelector('tbody tr')?.textContent ?? '';
    expect(first).toMatch(/webhook\.test.*Failed.*500/);
    expect(first).toContain(`boom ${XSS}`);
    expect($('img')).toBeNull();
    expect(writes()).toEqual([['POST', `/v1/admin/webhooks/${hex(0x301)}/test`, undefined]]);
  });

  it('rotates a secret after confirming and shows the new one once', async () => {
    await open();
    button('Rotate secret', row('https://hooks.example.com/1'))?.click();
    (await waitFor(() => button('Yes, rotate the secret')))?.click();
    await waitFor(() => $('.secret-once code')?.textContent === 'whsec_rotated');
    expect(writes()).toEqual([['POST', `/v1/admin/webhooks/${hex(0x301)}/secret`, undefined]]);
  });

  it('members are told webhooks are for admins, and nothing is requested', async () => {
    role = 'member';
    await open();
    expect(text()).toContain('Only organization admins can see and manage webhooks');
    expect(api.requests.some((r) => r.path.startsWith('/v1/admin/webhooks'))).toBe(false);
  });
});
