import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emptyStats, site } from '../../test/contractFixtures.js';
import { errorBody, startFakeAdminApi } from '../../test/fakeAdminApi.js';
import { changeValue, pageQueries, renderApp } from '../../test/renderApp.js';
import { waitFor } from '../../test/waitFor.js';
import { TOKEN_STORAGE_KEY } from './localToken.js';

const GOOD = 'good-admin-token';
/** The token the fake server accepts right now (a test rotates it). */
let accepted = GOOD;
let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ path, authorization }) => {
    if (path === '/v1/admin/auth/config') return { status: 200, body: { mode: 'local', clerkPublishableKey: null } };
    if (authorization !== `Bearer ${accepted}`) return { status: 401, body: errorBody('unauthorized', 'Invalid admin token') };
    if (path === '/v1/admin/me') return { status: 200, body: { tenantId: 'local', role: 'admin', userId: null } };
    if (path === '/v1/admin/sites') return { status: 200, body: { items: [site()], nextCursor: null } };
    if (path === '/v1/admin/stats') return { status: 200, body: emptyStats };
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());

let app: ReturnType<typeof renderApp> | undefined;
beforeEach(() => {
  sessionStorage.clear();
  accepted = GOOD;
});
afterEach(() => app?.unmount());

const { $, button } = pageQueries(() => app?.container);
const heading = () => $('h1')?.textContent;

describe('local-mode sign-in', () => {
  it('signs in with #token from the URL, keeps it in sessionStorage, strips it, and signs out', async () => {
    history.replaceState(null, '', `/dashboard/#token=${GOOD}`);
    app = renderApp(api.baseUrl);
    await waitFor(() => heading() === 'Overview');
    expect(location.hash).toBe('');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(GOOD);
    expect(api.requests.find((r) => r.path === '/v1/admin/me')?.authorization).toBe(`Bearer ${GOOD}`);

    button('Sign out')?.click();
    await waitFor(() => heading() === 'Sign in to the dashboard');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect($('[role="alert"]')?.textContent).toBe('You are signed out.');
  });

  it('shows a clear sign-in screen for a wrong token, and accepts a pasted one', async () => {
    history.replaceState(null, '', '/dashboard/#token=wrong');
    app = renderApp(api.baseUrl);
    await waitFor(() => heading() === 'Sign in to the dashboard');
    expect($('[role="alert"]')?.textContent).toMatch(/not accepted/);
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
    expect(location.hash).toBe('');

    const input = $<HTMLInputElement>('#admin-token');
    if (!input) throw new Error('no token field');
    // The whole printed link works as well as the bare token.
    changeValue(input, `http://127.0.0.1:3000/dashboard/#token=${GOOD}`);
    $<HTMLButtonElement>('button[type="submit"]')?.click();
    await waitFor(() => heading() === 'Overview');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe(GOOD);
  });

  it('returns to the sign-in screen when a later request answers 401', async () => {
    sessionStorage.setItem(TOKEN_STORAGE_KEY, GOOD);
    history.replaceState(null, '', '/dashboard/');
    app = renderApp(api.baseUrl);
    await waitFor(() => heading() === 'Overview');
    // The token is rotated on the server; the next request's 401 signs out with a reason.
    accepted = 'rotated-elsewhere';
    await app.queryClient.invalidateQueries({ queryKey: ['stats'] });
    await waitFor(() => heading() === 'Sign in to the dashboard');
    expect($('[role="alert"]')?.textContent).toMatch(/no longer valid/);
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });
});
