import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ID, site } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const OLD_SECRET = 'a'.repeat(64);
const REFUSED_NAME = 'Reserved name';
const NEW_SECRET = 'b'.repeat(64);
let role: 'admin' | 'member' = 'admin';
const verified = site({ identityVerification: true, persona: 'Be brief.' });

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ method, path, body }) => {
    const signedIn = signedInAnswer(path, role, [verified]);
    if (signedIn) return signedIn;
    if (path === `/v1/admin/sites/${SITE_ID}` && method === 'GET') return { status: 200, body: verified };
    if (path === `/v1/admin/sites/${SITE_ID}` && method === 'PATCH') {
      // A server whose rules go beyond the dashboard's checks: it names each refused field in details.fields.
      if ((body as { name?: string }).name === REFUSED_NAME)
        return {
          status: 400,
          body: errorBody('invalid_request', 'Invalid body.name: reserved', {
            fields: [
              { in: 'body', path: 'name', code: 'invalid', message: 'This name is reserved' },
              { in: 'body', path: 'allowedOrigins.1', code: 'invalid_format', message: 'No wildcard at this level' },
              { in: 'body', path: 'faq.0.answer', code: 'too_long', message: 'Too long for this plan' },
            ],
          }),
        };
      const rotated = (body as { rotateIdentitySecret?: boolean }).rotateIdentitySecret;
      return { status: 200, body: rotated ? { ...verified, identitySecret: NEW_SECRET } : verified };
    }
    if (path === `/v1/admin/sites/${SITE_ID}/identity-secret` && method === 'POST')
      return { status: 200, body: { identitySecret: OLD_SECRET } };
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => {
  app?.unmount();
  api.requests.length = 0;
});

const { $, $$, text, button } = pageQueries(() => app?.container);
const open = async () => {
  app = renderAppAt(api.baseUrl, `/dashboard/sites/${SITE_ID}`);
  await waitFor(() => text().includes('Identity verification'));
};

describe('Site editor: the identity secret', () => {
  it('an admin sees it masked, reveals it on request, and sees a rotated one once (never kept in the cache)', async () => {
    role = 'admin';
    await open();
    await waitFor(() => button('Reveal'));
    expect(text()).not.toContain(OLD_SECRET);

    button('Reveal')?.click();
    await waitFor(() => text().includes(OLD_SECRET));
    expect(api.requests.some((r) => r.method === 'POST' && r.path.endsWith('/identity-secret'))).toBe(true);
    expect(button('Copy secret')).not.toBeNull();
    button('Hide')?.click();
    await waitFor(() => !text().includes(OLD_SECRET));

    button('Rotate secret…')?.click();
    (await waitFor(() => button('Rotate now')))?.click();
    await waitFor(() => text().includes(NEW_SECRET));
    expect(api.requests.find((r) => r.method === 'PATCH')?.body).toEqual({ rotateIdentitySecret: true });
    expect(text()).toContain('New secret: copy it into your backend now.');
    expect(
      JSON.stringify(
        app?.queryClient
          .getQueryCache()
          .getAll()
          .map((q) => q.state.data),
      ),
    ).not.toContain(NEW_SECRET);
  });

  it('a member sees only that verification is on: no secret, no Reveal', async () => {
    role = 'member';
    await open();
    await waitFor(() => text().includes('Only organization admins can see the secret.'));
    expect(button('Reveal')).toBeNull();
    expect(api.requests.some((r) => r.path.endsWith('/identity-secret'))).toBe(false);
  });
});

describe('Site editor: the persona', () => {
  it('says beside the field that the persona and the FAQ are public to anyone who asks the assistant', async () => {
    role = 'admin';
    await open();
    const persona = $('#site-persona');
    const help = $(`#${persona?.getAttribute('aria-describedby')}`);
    expect(help?.textContent).toMatch(/persona and the FAQ are\s+not secret: anyone can ask the assistant/);
  });
});

describe('Site editor: lead capture', () => {
  const select = async (id: string, value: string) => {
    const element = $<HTMLSelectElement>(`#${id}`);
    if (!element) throw new Error(`no #${id}`);
    changeValue(element, value);
    await waitFor(() => $<HTMLSelectElement>(`#${id}`)?.value === value);
  };

  const save = async () => {
    const submit = await waitFor(() => (button('Save changes')?.disabled === false ? button('Save changes') : null));
    submit?.form?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  };

  it('turns it on with a moment and fields, refuses a form that asks for nothing, and saves only through PATCH', async () => {
    role = 'admin';
    await open();
    const toggle = $$('label')
      .find((l) => l.textContent?.includes('Ask visitors for their details'))
      ?.querySelector('input');
    expect(toggle?.checked).toBe(false);
    expect($<HTMLSelectElement>('#lead-when')?.disabled).toBe(true);
    toggle?.click();
    await waitFor(() => $<HTMLSelectElement>('#lead-when')?.disabled === false);
    await select('lead-when', 'after');
    await waitFor(() => $('#lead-after'));
    await select('lead-name', 'off');
    await select('lead-email', 'off');
    await save();
    await waitFor(() => text().includes('Lead capture needs the name or the email field (or both)'));
    expect(api.requests.some((r) => r.method === 'PATCH')).toBe(false);
    await select('lead-email', 'required');
    await save();
    const patch = await waitFor(() => api.requests.find((r) => r.method === 'PATCH')?.body as { leadCapture: unknown });
    expect(patch.leadCapture).toEqual({
      enabled: true,
      when: 'after',
      afterMessages: 3,
      name: 'off',
      email: 'required',
    });
  });
});

describe('Site editor: fields the server refuses', () => {
  it('shows each refusal next to the field it names (aria-invalid, aria-describedby), the others untouched', async () => {
    role = 'admin';
    await open();
    changeValue($<HTMLInputElement>('#site-name') as HTMLInputElement, REFUSED_NAME);
    changeValue($<HTMLTextAreaElement>('#site-origins') as HTMLTextAreaElement, 'https://a.example.com\nhttps://*.*.example.com');
    button('Add question')?.click();
    await waitFor(() => $('#faq-a-0'));
    changeValue($<HTMLInputElement>('#faq-q-0') as HTMLInputElement, 'Hours?');
    changeValue($<HTMLTextAreaElement>('#faq-a-0') as HTMLTextAreaElement, 'Nine to five.');
    const submit = await waitFor(() => (button('Save changes')?.disabled === false ? button('Save changes') : null));
    submit?.form?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await waitFor(() => $('#site-name')?.getAttribute('aria-invalid') === 'true');

    const describedBy = (id: string) =>
      ($(`#${id}`)?.getAttribute('aria-describedby') ?? '').split(' ').map((ref) => $(`#${ref}`)?.textContent ?? null);
    expect(describedBy('site-name')).toEqual(['This name is reserved']);
    // A refused line of the origins (allowedOrigins.1) marks the textarea, its help text kept after the refusal.
    expect($('#site-origins')?.getAttribute('aria-invalid')).toBe('true');
    expect(describedBy('site-origins')).toEqual([
      'No wildcard at this level',
      expect.stringContaining('One per line') as unknown as string,
    ]);
    expect(describedBy('faq-a-0')).toEqual(['Too long for this plan']);
    // Each message sits in the field's own block, right under its input.
    expect($('#site-name-refused')?.closest('.field')).toBe($('#site-name')?.closest('.field'));
    // Fields not named are left as they were.
    expect($('#faq-q-0')?.getAttribute('aria-invalid')).toBeNull();
    expect($('#site-persona')?.getAttribute('aria-invalid')).toBeNull();
    expect(describedBy('site-persona')).toEqual([expect.stringContaining('system instruction') as unknown as string]);
    expect($$('[aria-invalid="true"]').map((e) => e.id)).toEqual(['site-name', 'site-origins', 'faq-a-0']);
    // The summary still says the save failed.
    expect(text()).toContain('Could not save');
  });
});
