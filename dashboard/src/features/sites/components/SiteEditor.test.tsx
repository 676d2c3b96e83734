import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ID, site } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const OLD_SECRET = 'a'.repeat(64);
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
