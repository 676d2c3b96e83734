import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RemovalRecord } from '../../../../../contract/index.js';
import { conversation, SITE_ID, site } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const detail = conversation(1);
const counts = { conversations: 2, messages: 6, images: 1, visitors: 1, leads: 1 };
const receipt: RemovalRecord = {
  id: 'f'.repeat(24),
  siteId: SITE_ID,
  kind: 'erasure',
  subject: { visitorId: detail.visitorId },
  before: null,
  counts,
  createdAt: '2026-01-03T00:00:00.000Z',
};
const run: RemovalRecord = {
  ...receipt,
  id: 'e'.repeat(24),
  kind: 'retention',
  subject: null,
  before: '2025-12-01T00:00:00.000Z',
  counts: { ...counts, leads: 0 },
};

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ method, path, body }) => {
    const signedIn = signedInAnswer(path);
    if (signedIn) return signedIn;
    if (path === `/v1/admin/sites/${SITE_ID}/removals`) return { status: 200, body: { items: [receipt, run], nextCursor: null } };
    if (path === `/v1/admin/sites/${SITE_ID}/erasures` && method === 'POST') return { status: 201, body: receipt };
    if (path === `/v1/admin/sites/${SITE_ID}`)
      return { status: 200, body: site(method === 'PATCH' ? (body as { retentionDays: number | null }) : {}) };
    if (path === `/v1/admin/conversations/${detail.id}`)
      return { status: 200, body: { ...detail, messages: [], messagesCursor: null } };
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => {
  app?.unmount();
  api.requests.length = 0;
});

const { $, text, button } = pageQueries(() => app?.container);
const visit = (path: string) => {
  app = renderAppAt(api.baseUrl, `/dashboard${path}`);
};

describe('data tools in the dashboard', () => {
  it('the site editor saves a retention period (empty: off) and lists erasure receipts and retention runs', async () => {
    visit(`/sites/${SITE_ID}`);
    const field = await waitFor(() => $<HTMLInputElement>('#site-retention-days'), 10_000);
    if (!field) throw new Error('no retention field');
    expect(field.value).toBe('');
    await waitFor(() => text().includes(`Erasure of visitor ${detail.visitorId}`));
    expect(text()).toContain('Retention run (older than');
    expect(text()).toContain('2 conversations, 6 messages, 1 images, 1 visitors, 1 leads');

    changeValue(field, '30');
    const save = await waitFor(() => (button('Save changes')?.disabled === false ? button('Save changes') : null));
    save?.form?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await waitFor(() => api.requests.some((r) => r.method === 'PATCH'));
    expect(api.requests.find((r) => r.method === 'PATCH')?.body).toMatchObject({ retentionDays: 30 });
  });

  it('the conversation page erases its visitor after a confirmation and shows the receipt', async () => {
    visit(`/conversations/${detail.id}`);
    (await waitFor(() => button('Erase visitor…')))?.click();
    expect(api.requests.some((r) => r.path.endsWith('/erasures'))).toBe(false);
    (await waitFor(() => button('Yes, erase the visitor')))?.click();
    await waitFor(() => text().includes('Visitor erased'));
    expect(api.requests.find((r) => r.path.endsWith('/erasures'))).toMatchObject({
      method: 'POST',
      path: `/v1/admin/sites/${SITE_ID}/erasures`,
      body: { visitorId: detail.visitorId },
    });
    expect(text()).toContain('Deleted 2 conversations, 6 messages, 1 images, 1 visitors, 1 leads');
  });
});
