// Journey 9: the owner adds a website's sitemap on the dashboard's Knowledge page, watches it become ready and tries
// a question; a visitor asks the widget, gets an answer from that website with its source cited under it, and
// follows the link to the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html, type LocalSite, startLocalSite } from '../server/test/localSite.js';
import { browserContexts, keepDocScreenshot, keepScreenshot, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

const page = (title: string, body: string) =>
  html(`<!doctype html><html><head><title>${title}</title></head><body>
<nav><a href="/">Home</a> <a href="/returns">Returns</a> <a href="/shipping">Shipping</a></nav>
<main><article><h1>${title}</h1>${body}</article></main><footer>Acme Plants</footer></body></html>`);

/** Acme Plants' help pages on loopback, with a robots.txt and a sitemap listing them. */
const ROUTES = {
  '/': page(
    'Acme Plants help',
    '<p>Welcome to the help pages of Acme Plants, the shop for ferns, palms and everything green for your home.</p>',
  ),
  '/returns': page(
    'Returns policy',
    `<h2>Returning a plant</h2><p>You can return any plant within 30 days of delivery for a full refund. Pack it in
its original box and print the prepaid label from your order page; the refund reaches your card within five working days.</p>`,
  ),
  '/shipping': page(
    'Shipping',
    `<h2>Delivery times</h2><p>Orders placed before noon leave our greenhouse the same day. Deliveries inside the
country take two to three working days; we ship to most of Europe in about a week.</p>`,
  ),
  '/robots.txt': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n'),
  '/sitemap.xml': (req, res) => {
    const urls = ['/', '/returns', '/shipping'].map((path) => `<url><loc>http://${req.headers.host}${path}</loc></url>`);
    res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0"?><urlset>${urls.join('')}</urlset>`);
  },
} satisfies Parameters<typeof startLocalSite>[0];

const QUESTION = 'How many days do I have to return a plant?';

let server: E2eServer;
let website: LocalSite;

beforeAll(async () => {
  website = await startLocalSite(ROUTES);
  // The website is on 127.0.0.1, which the fetcher refuses unless told it is an intranet.
  server = await startE2eServer(import.meta.url, {
    env: { KNOWLEDGE_ALLOW_PRIVATE_HOSTS: 'true', KNOWLEDGE_CRAWL_RATE: '20' },
  });
});
afterAll(async () => {
  await server?.close();
  await website?.close();
});
// Registered after the servers' hooks: the browser closes before they stop.
const chromium = browserContexts({ owner: { width: 1280, height: 900 }, visitor: { width: 1280, height: 800 } });

describe('journey 9: knowledge', () => {
  it('the owner adds a sitemap and sees it ready; the visitor’s answer cites the page and the link opens it', async () => {
    const dashboard = await chromium.owner.newPage();
    const dashboardErrors = watchErrors(dashboard);
    await dashboard.goto(`${server.url}/dashboard/#token=${server.adminToken}`);
    await dashboard.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await dashboard.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge' }).click();
    await dashboard.getByRole('heading', { name: 'Knowledge', level: 1 }).waitFor();
    expect(new URL(dashboard.url()).pathname).toBe(`/dashboard/knowledge/${server.demoSite.id}`);
    await dashboard.getByText('No sources yet').waitFor();

    // Add the sitemap; the row follows the sync to Ready without a reload.
    const sitemapUrl = `${website.origin}/sitemap.xml`;
    await dashboard.getByLabel('Kind').selectOption({ label: 'A sitemap' });
    await dashboard.getByLabel('Address').fill(sitemapUrl);
    await dashboard.getByRole('button', { name: 'Add source' }).click();
    const row = dashboard.getByRole('listitem', { name: sitemapUrl });
    await row.waitFor();
    await eventually(() => row.locator('.badge-source-ready').count(), 30_000).toBe(1);
    expect(await row.textContent()).toContain('3 pages');
    expect(await dashboard.getByRole('status').filter({ hasText: 'is ready' }).count()).toBe(1);
    expect(website.requests).toEqual(expect.arrayContaining(['/robots.txt', '/sitemap.xml', '/returns']));

    // Try a question: the returns page comes first, linked to the page itself.
    await dashboard.getByRole('searchbox', { name: 'Question' }).fill(QUESTION);
    await dashboard.getByRole('button', { name: 'Search' }).click();
    const passages = dashboard.getByRole('list', { name: 'Passages' });
    await passages.waitFor();
    const first = passages.getByRole('listitem').first();
    expect(await first.textContent()).toContain('within 30 days of delivery');
    expect(await first.getByRole('link', { name: 'Returns policy' }).getAttribute('href')).toBe(`${website.origin}/returns`);
    await keepDocScreenshot(await keepScreenshot(dashboard, 'journey-9-knowledge'), 'dashboard-knowledge');

    // The visitor asks; the offline provider answers from the passage and cites it under the answer.
    const site = await chromium.visitor.newPage();
    const siteErrors = watchErrors(site);
    const ui = widgetUi(site);
    await site.goto(`${server.url}/`);
    await ui.open();
    await ui.box.fill(QUESTION);
    await ui.box.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    const answer = ui.answers.last();
    await eventually(() => answer.textContent()).toContain('30 days');
    const cited = answer.getByRole('link', { name: 'Returns policy' });
    expect(await cited.getAttribute('href')).toBe(`${website.origin}/returns`);
    expect(await cited.getAttribute('target')).toBe('_blank');
    expect(await cited.getAttribute('rel')).toBe('noopener noreferrer');
    await keepScreenshot(site, 'journey-9-widget-citation');

    // Following the source opens the page in a new tab; the chat stays where it was.
    const opened = chromium.visitor.waitForEvent('page');
    await cited.click();
    const tab = await opened;
    await tab.waitForLoadState();
    expect(tab.url()).toBe(`${website.origin}/returns`);
    expect(await tab.getByRole('heading', { level: 1 }).textContent()).toBe('Returns policy');
    expect(site.url()).toBe(`${server.url}/`);

    expect(siteErrors).toEqual([]);
    expect(dashboardErrors).toEqual([]);
  });
});
