import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KnowledgeSearchHit, Source } from '../../../../../contract/index.js';
import { KnowledgeSearch, SourceCreate } from '../../../../../contract/index.js';
import { SITE_ID, source } from '../../../test/contractFixtures.js';
import {
  errorBody,
  type RecordedRequest,
  signedInAnswer,
  startFakeAdminApi,
  type UploadedPart,
} from '../../../test/fakeAdminApi.js';
import { changeValue, pageQueries, type renderApp, renderAppAt } from '../../../test/renderApp.js';
import { waitFor } from '../../../test/waitFor.js';

const XSS = '<img src=x onerror="window.__pwned=1">';
let role: 'admin' | 'member' = 'admin';
const sources = new Map<string, Source>();
let created = 0;
/** The next create is refused as the server refuses one over the organization's limit. */
let refuseNext: { status: number; code: string; message: string } | null = null;
const hits: KnowledgeSearchHit[] = [
  {
    number: 1,
    sourceId: source(1).id,
    title: 'Returns policy',
    url: 'https://shop.example/returns',
    page: null,
    headingPath: ['Returns', 'Refunds'],
    text: `Refunds are paid within 14 days. ${XSS}`,
    score: 0.833,
    keywordScore: 7.2,
    similarity: null,
  },
  {
    number: 2,
    sourceId: source(2).id,
    title: `Guide ${XSS}`,
    url: 'javascript:alert(1)',
    page: 4,
    headingPath: [],
    text: 'Page four of the guide.',
    score: 0.5,
    keywordScore: 3.1,
    similarity: null,
  },
];

const newSource = (partial: Partial<Source>): Source => {
  created += 1;
  return source(100 + created, {
    createdAt: new Date(Date.UTC(2026, 0, 3) + created * 60_000).toISOString(),
    status: 'queued',
    pages: 0,
    chunks: 0,
    lastSyncedAt: null,
    progress: { done: 0, total: 0 },
    ...partial,
  });
};

/** The admin knowledge routes as contract/knowledge.ts describes them, over an in-memory list. */
function knowledgeApi({ method, path, body }: RecordedRequest) {
  const base = `/v1/admin/sites/${SITE_ID}`;
  const isAdmin = role === 'admin';
  const forbidden = { status: 403, body: errorBody('forbidden', 'Only organization admins can change knowledge') };
  if (path === `${base}/sources` && method === 'GET') {
    const items = [...sources.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { status: 200, body: { items, nextCursor: null } };
  }
  if (path === `${base}/sources` && method === 'POST') {
    if (!isAdmin) return forbidden;
    const parsed = SourceCreate.safeParse(body);
    if (!parsed.success) return { status: 400, body: errorBody('invalid_request', 'Invalid body') };
    if (refuseNext) {
      const { status, code, message } = refuseNext;
      refuseNext = null;
      return { status, body: errorBody(code, message) };
    }
    const input = parsed.data;
    const made =
      input.type === 'text'
        ? newSource({ type: 'text', title: input.title, url: null })
        : newSource({ type: input.type, title: input.type === 'website' ? new URL(input.url).host : input.url, url: input.url });
    sources.set(made.id, made);
    return { status: 202, body: made };
  }
  if (path === `${base}/sources/files` && method === 'POST') {
    if (!isAdmin) return forbidden;
    const fields = body as Record<string, string | UploadedPart>;
    const file = fields.file;
    if (typeof file !== 'object') return { status: 400, body: errorBody('bad_request', 'Send the file in the field "file"') };
    if (!/\.(pdf|docx|html?|md|txt)$/.test(file.filename))
      return {
        status: 415,
        body: errorBody('unsupported_file_type', 'Upload a PDF, Word (.docx), HTML, Markdown or plain text file'),
      };
    const title = typeof fields.title === 'string' ? fields.title : file.filename;
    const made = newSource({ type: 'file', title, url: null });
    sources.set(made.id, made);
    return { status: 202, body: made };
  }
  if (path === `${base}/knowledge/search` && method === 'POST') {
    const parsed = KnowledgeSearch.safeParse(body);
    if (!parsed.success) return { status: 400, body: errorBody('invalid_request', 'Invalid body.q') };
    return { status: 200, body: { items: parsed.data.q.includes('nothing') ? [] : hits, mode: 'keyword' } };
  }
  const one = path.match(/^\/v1\/admin\/sources\/(\w+)(\/sync)?$/);
  const found = one ? sources.get(one[1] ?? '') : undefined;
  if (found && method === 'POST' && one?.[2]) {
    if (!isAdmin) return forbidden;
    const queued = { ...found, status: 'queued' as const, progress: { done: 0, total: 0 } };
    sources.set(found.id, queued);
    return { status: 202, body: queued };
  }
  if (found && method === 'DELETE') {
    if (!isAdmin) return forbidden;
    sources.delete(found.id);
    return { status: 204 };
  }
  if (found && method === 'GET') return { status: 200, body: found };
  return null;
}

let api: Awaited<ReturnType<typeof startFakeAdminApi>>;
beforeAll(async () => {
  api = await startFakeAdminApi((request) => {
    return (
      signedInAnswer(request.path, role) ?? knowledgeApi(request) ?? { status: 404, body: errorBody('not_found', 'Not found') }
    );
  });
});
afterAll(() => api.close());
beforeEach(() => {
  sources.clear();
  role = 'admin';
  refuseNext = null;
});
let app: ReturnType<typeof renderApp> | undefined;
afterEach(() => {
  app?.unmount();
  api.requests.length = 0;
});

const { $, $$, text, buttons, button, liveRegion } = pageQueries(() => app?.container);
const rows = () => $$('ul[aria-labelledby="sources-title"] > li');
const writes = () => api.requests.filter((r) => r.method !== 'GET');
const open = async (path = `/dashboard/knowledge/${SITE_ID}`) => {
  app = renderAppAt(api.baseUrl, path);
  await waitFor(() => text().includes('Try a question') && !text().includes('Loading sources'), 5000);
};
const choose = async (kind: string) => {
  changeValue(await waitFor(() => $<HTMLSelectElement>('#source-kind') as HTMLSelectElement), kind);
  await waitFor(() => kind !== 'file' || $('#source-file'));
};
const submit = () => $<HTMLFormElement>('form.add-source')?.requestSubmit();

describe('Knowledge page', () => {
  it('opens on the first site from the navigation and lists its sources with everything an owner needs', async () => {
    sources.set(source(1).id, source(1, { title: 'Help centre', url: 'https://shop.example/help', pages: 12, chunks: 48 }));
    sources.set(
      source(2).id,
      source(2, {
        type: 'sitemap',
        title: `Sitemap ${XSS}`,
        url: 'https://shop.example/sitemap.xml',
        status: 'failed',
        error: { code: 'fetch_failed', message: 'The sitemap answered 404' },
        pages: 0,
        chunks: 0,
        lastSyncedAt: null,
      }),
    );
    sources.set(
      source(3).id,
      source(3, {
        type: 'file',
        title: 'Manual.pdf',
        url: null,
        pages: 30,
        chunks: 90,
        warning: { code: 'embeddings_unavailable', message: 'Searched by keywords only until the next sync' },
        failedPages: 1,
        failures: [{ url: null, page: 7, code: 'empty_page', message: 'No text on this page' }],
      }),
    );
    await open('/dashboard/knowledge');
    await waitFor(() => location.pathname === `/dashboard/knowledge/${SITE_ID}`);
    expect(document.title).toBe('Knowledge · Chat widget dashboard');
    expect($('nav a[aria-current="page"]')?.textContent).toBe('Knowledge');
    await waitFor(() => rows().length === 3);
    const [help, sitemap, manual] = rows().map((row) => row.textContent ?? '');
    expect(help).toMatch(/Page.*Help centre.*Ready/);
    expect(help).toContain('12 pages');
    expect(help).toContain('48 passages');
    expect(help).toMatch(/Synced /);
    expect(sitemap).toMatch(/Sitemap.*Failed/);
    expect(sitemap).toContain('The sitemap answered 404');
    expect(sitemap).toContain('Never synced');
    expect(manual).toContain('1 page could not be read');
    expect(manual).toContain('Page 7: No text on this page');
    expect(manual).toContain('Searched by keywords only until the next sync');
    // Source text is text: the hostile title is shown, never parsed.
    expect(sitemap).toContain(XSS);
    expect($('ul[aria-labelledby="sources-title"] img')).toBeNull();
    const link = rows()[0]?.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://shop.example/help');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('adds a page, a website, a sitemap and a text snippet, each checked against the contract and sent as it says', async () => {
    await open();
    await choose('url');
    changeValue($<HTMLInputElement>('#source-url') as HTMLInputElement, 'https://shop.example/faq');
    submit();
    await waitFor(() => rows().length === 1);
    await waitFor(() => liveRegion().includes('“https://shop.example/faq” was added'));

    await choose('website');
    changeValue($<HTMLInputElement>('#source-url') as HTMLInputElement, 'https://shop.example/');
    changeValue($<HTMLInputElement>('#source-max-pages') as HTMLInputElement, '25');
    submit();
    await waitFor(() => rows().length === 2);

    await choose('sitemap');
    changeValue($<HTMLInputElement>('#source-url') as HTMLInputElement, 'https://shop.example/sitemap.xml');
    submit();
    await waitFor(() => rows().length === 3);

    await choose('text');
    changeValue($<HTMLInputElement>('#source-title') as HTMLInputElement, 'Opening hours');
    changeValue($<HTMLTextAreaElement>('#source-text') as HTMLTextAreaElement, 'Mon–Fri 9–17.');
    submit();
    await waitFor(() => rows().length === 4);

    expect(writes().map((r) => [r.path.replace(`/v1/admin/sites/${SITE_ID}/`, ''), r.body])).toEqual([
      ['sources', { type: 'url', url: 'https://shop.example/faq' }],
      ['sources', { type: 'website', url: 'https://shop.example/', maxPages: 25 }],
      ['sources', { type: 'sitemap', url: 'https://shop.example/sitemap.xml' }],
      ['sources', { type: 'text', title: 'Opening hours', text: 'Mon–Fri 9–17.' }],
    ]);
    expect(rows()[0]?.textContent).toMatch(/Text.*Opening hours.*Queued/);
  });

  it('uploads a file as multipart FormData with its title, and shows the server’s refusal of a type it cannot read', async () => {
    await open();
    await choose('file');
    const input = $<HTMLInputElement>('#source-file') as HTMLInputElement;
    const pick = (file: File) => {
      Object.defineProperty(input, 'files', { value: [file], configurable: true });
      input.dispatchEvent(new Event('change', { bubbles: true }));
    };
    expect(input.accept).toBe('.pdf,.docx,.html,.htm,.md,.markdown,.txt');
    pick(new File(['# Care guide\n\nWater ferns weekly.'], 'care.md', { type: 'text/markdown' }));
    changeValue($<HTMLInputElement>('#source-title') as HTMLInputElement, 'Care guide');
    submit();
    await waitFor(() => rows().length === 1);
    const sent = writes()[0];
    expect(sent?.path).toBe(`/v1/admin/sites/${SITE_ID}/sources/files`);
    expect(sent?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const fields = sent?.body as Record<string, UploadedPart | string>;
    expect(fields.title).toBe('Care guide');
    expect(fields.file).toMatchObject({ filename: 'care.md' });
    expect(String((fields.file as UploadedPart).bytes)).toBe('# Care guide\n\nWater ferns weekly.');
    expect(rows()[0]?.textContent).toMatch(/File.*Care guide.*Queued/);

    pick(new File(['GIF89a'], 'logo.gif', { type: 'image/gif' }));
    submit();
    await waitFor(() => text().includes('Could not add the source'));
    expect($('[role="alert"]')?.textContent).toContain('Upload a PDF, Word (.docx), HTML, Markdown or plain text file');
    expect(rows()).toHaveLength(1);
  });

  it('refuses what the contract refuses before sending, and shows the server’s own message (413 at the limit)', async () => {
    await open();
    await choose('url');
    changeValue($<HTMLInputElement>('#source-url') as HTMLInputElement, 'javascript:alert(1)');
    submit();
    await waitFor(() => text().includes('Please fix these first'));
    expect($('[role="alert"]')?.textContent).toContain('Address: must be an http:// or https:// URL');

    await choose('text');
    submit();
    await waitFor(() => text().includes('Title: must not be blank'));
    expect(text()).toContain('Text: must not be blank');

    await choose('file');
    submit();
    await waitFor(() => text().includes('Choose a file to upload.'));
    expect(writes()).toEqual([]);

    refuseNext = { status: 413, code: 'knowledge_limit_reached', message: 'An organization may have at most 100 sources' };
    await choose('url');
    changeValue($<HTMLInputElement>('#source-url') as HTMLInputElement, 'https://shop.example/one-more');
    submit();
    await waitFor(() => text().includes('An organization may have at most 100 sources'));
    expect(writes()).toHaveLength(1);
    expect(rows()).toHaveLength(0);
  });

  it('follows a sync while it runs (polling only then), announces the result, syncs again and deletes after confirming', async () => {
    const s = source(1, { title: 'Help centre', status: 'queued', pages: 0, chunks: 0, progress: { done: 0, total: 0 } });
    sources.set(s.id, s);
    await open();
    await waitFor(() => rows()[0]?.textContent?.includes('Queued'));
    sources.set(s.id, { ...s, status: 'processing', progress: { done: 2, total: 5 } });
    await waitFor(() => rows()[0]?.textContent?.includes('2/5'), 5000);
    expect(rows()[0]?.querySelector('progress')?.getAttribute('value')).toBe('2');
    await waitFor(() => liveRegion().includes('“Help centre” is syncing.'));
    sources.set(s.id, { ...s, status: 'ready', pages: 5, chunks: 17, progress: { done: 5, total: 5 } });
    await waitFor(() => rows()[0]?.textContent?.includes('Ready'), 5000);
    expect(rows()[0]?.textContent).toContain('17 passages');
    await waitFor(() => liveRegion().includes('“Help centre” is ready (17 passages).'));

    // Nothing runs any more: the page stops asking.
    const reads = () => api.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/sources')).length;
    const before = reads();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(reads()).toBe(before);

    button('Sync now Help centre')?.click();
    await waitFor(() => rows()[0]?.textContent?.includes('Queued'));
    expect(writes().at(-1)).toMatchObject({ method: 'POST', path: `/v1/admin/sources/${s.id}/sync` });
    expect(button('Sync now Help centre')?.disabled).toBe(true);

    button('Delete… Help centre')?.click();
    await waitFor(() => text().includes('The assistant stops answering from it at once.'));
    expect(document.activeElement?.textContent).toBe('Cancel');
    button('Yes, delete the source')?.click();
    await waitFor(() => text().includes('No sources yet'));
    expect(writes().at(-1)).toMatchObject({ method: 'DELETE', path: `/v1/admin/sources/${s.id}` });
  });

  it('shows members the sources and the question box, with no way to change anything', async () => {
    role = 'member';
    sources.set(source(1).id, source(1, { title: 'Help centre' }));
    await open();
    await waitFor(() => rows().length === 1);
    expect(text()).toContain('Only organization admins can add, sync or delete sources');
    expect($('form.add-source')).toBeNull();
    expect(buttons('Sync now Help centre')).toEqual([]);
    expect(buttons('Delete… Help centre')).toEqual([]);
    expect($('#try-question')).not.toBeNull();
  });

  it('tries a question: numbered passages with scores, titles, pages and safe links, all as text', async () => {
    await open();
    const box = $<HTMLInputElement>('#try-question') as HTMLInputElement;
    changeValue(box, 'How do refunds work?');
    button('Search')?.click();
    const passages = (await waitFor(() => {
      const found = $$('ol[aria-label="Passages"] > li');
      return found.length === 2 ? found : null;
    })) as Element[];
    expect(writes().at(-1)).toMatchObject({
      path: `/v1/admin/sites/${SITE_ID}/knowledge/search`,
      body: { q: 'How do refunds work?' },
    });
    const [first, second] = passages.map((li) => li.textContent ?? '');
    expect(first).toMatch(/Score 0\.83.*\[1\].*Returns policy.*Returns › Refunds/);
    expect(first).toContain(`Refunds are paid within 14 days. ${XSS}`);
    expect(second).toMatch(/Score 0\.50.*\[2\].*Guide .*page 4/);
    const link = passages[0]?.querySelector('a');
    expect(link?.getAttribute('href')).toBe('https://shop.example/returns');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
    // A URL outside the allow-list is shown as a plain title, never as a link.
    expect(passages[1]?.querySelector('a')).toBeNull();
    expect($('ol[aria-label="Passages"] img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();

    changeValue(box, 'nothing at all');
    button('Search')?.click();
    await waitFor(() => text().includes('Nothing in this site’s knowledge matches'));
  });
});
