import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SITE_ID, site } from '../../../test/contractFixtures.js';
import { errorBody, signedInAnswer, startFakeAdminApi } from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi(({ method, path, body }) => {
    const signedIn = signedInAnswer(path, 'admin', [site({ dailyModelCalls: 50 })]);
    if (signedIn) return signedIn;
    if (path === `/v1/admin/sites/${SITE_ID}/usage`)
      return { status: 200, body: { siteId: SITE_ID, day: '2026-01-02', modelCalls: 42, dailyModelCalls: 50 } };
    if (path === `/v1/admin/sites/${SITE_ID}`)
      return {
        status: 200,
        body: site({ dailyModelCalls: method === 'PATCH' ? (body as { dailyModelCalls: number }).dailyModelCalls : 50 }),
      };
    return { status: 404, body: errorBody('not_found', 'Not found') };
  });
});
afterAll(() => api.close());
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => app?.unmount());
const { $, text, button } = pageQueries(() => app?.container);

describe('site editor: model budget', () => {
  it("shows today's model calls against the cap, and saves a new cap", async () => {
    app = renderAppAt(api.baseUrl, `/dashboard/sites/${SITE_ID}`);
    await waitFor(() => text().includes('Today (UTC): 42 of 50 model calls'));
    const field = $<HTMLInputElement>('#site-daily-model-calls');
    if (!field) throw new Error('no budget field');
    expect(field.value).toBe('50');

    changeValue(field, '200');
    const save = button('Save changes');
    await waitFor(() => save?.disabled === false);
    // Submitted on the form: in happy-dom, clicking this submit button does not submit it.
    save?.form?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await waitFor(() => api.requests.some((r) => r.method === 'PATCH'));
    expect(api.requests.find((r) => r.method === 'PATCH')?.body).toMatchObject({ dailyModelCalls: 200 });
  });
});
