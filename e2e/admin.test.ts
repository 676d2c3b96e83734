// Journey 7: an admin signs in with the local token, finds a visitor's conversation by search, opens it and its
// image, edits the site's greeting (seeing it in the live preview first), and the visitor's widget shows it.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserContexts, keepDocScreenshot, keepScreenshot, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

let server: E2eServer;

beforeAll(async () => {
  server = await startE2eServer(import.meta.url);
});
afterAll(async () => {
  await server?.close();
});
// Registered after the server's hooks: the browser closes before it stops.
const chromium = browserContexts({ visitor: { width: 1280, height: 800 }, admin: { width: 1280, height: 860 } });

const GREETING = 'Welcome to Acme Plants! Ask us about ferns, deliveries or plant care.';

describe('journey 7: admin', () => {
  it('finds the visitor’s conversation by search, sees its image, edits the greeting, and the widget shows it', async () => {
    // A visitor asks with a photo.
    const site = await chromium.visitor.newPage();
    const siteErrors = watchErrors(site);
    const ui = widgetUi(site);
    await site.goto(`${server.url}/`);
    await ui.open();
    const chooser = site.waitForEvent('filechooser');
    await ui.attach.click();
    const photo = await sharp({ create: { width: 480, height: 360, channels: 3, background: '#3d7a4a' } })
      .png()
      .toBuffer();
    await (await chooser).setFiles({ name: 'fern.png', mimeType: 'image/png', buffer: photo });
    await eventually(() => site.locator('[data-chat-widget] .att.done').count()).toBe(1);
    await ui.box.fill('Do you ship ferns to Norway?');
    await ui.box.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    await eventually(() => ui.answers.last().textContent()).toContain('You attached an image (480×360)');
    // Someone else's conversation, which the search must leave out.
    await server.visitorAsks('How do I add the widget to my site?');

    // Sign in with the local token from the start-up log; the token leaves the URL at once.
    const page = await chromium.admin.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/dashboard/#token=${server.adminToken}`);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe('');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Conversations' }).click();
    await eventually(() => page.locator('.row-title').count()).toBe(2);

    // Search: the list narrows to the visitor's conversation and the URL keeps the query.
    await page.getByLabel('Search').fill('Norway');
    await eventually(() => page.locator('.row-title').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe('Norway');
    const row = page.getByRole('link', { name: 'Do you ship ferns to Norway?' });
    await row.click();

    // The conversation: transcript with the image, which opens full size.
    await page.getByRole('heading', { name: 'Do you ship ferns to Norway?', level: 1 }).waitFor();
    const transcript = page.getByRole('region', { name: 'Transcript' });
    expect(await transcript.textContent()).toContain('You attached an image (480×360)');
    const thumb = transcript.getByRole('button', { name: 'Open image 1 full size' });
    await eventually(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
      true,
    );
    await keepDocScreenshot(await keepScreenshot(page, 'journey-7-conversation'), 'dashboard-conversation');
    await thumb.click();
    const lightbox = page.getByRole('dialog', { name: 'Image 480×360' });
    await eventually(() =>
      lightbox.getByRole('img').evaluate((img: HTMLImageElement) => `${img.naturalWidth}×${img.naturalHeight}`),
    ).toBe('480×360');
    await keepScreenshot(page, 'journey-7-image');
    await page.keyboard.press('Escape');
    await eventually(() => lightbox.count()).toBe(0);

    // The site editor: a new greeting shows in the live preview before it is saved, then is saved.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('link', { name: 'Demo site' }).click();
    const sessions: string[] = [];
    page.on('request', (r) => r.url().endsWith('/v1/widget/sessions') && sessions.push(r.url()));
    const greeting = page.getByLabel('Greeting');
    await greeting.fill(GREETING);
    const preview = page.frameLocator('iframe[title="Widget preview with unsaved changes"]');
    await eventually(() => preview.getByRole('log').textContent()).toContain(GREETING);
    // Further edits reach the running preview widget (ChatWidget.preview), without a new session.
    await page.getByLabel('Title').fill('Acme plant help');
    await eventually(() => preview.getByRole('dialog').getAttribute('aria-label')).toBe('Acme plant help');
    expect(sessions).toHaveLength(1);
    await page.getByLabel('Title').fill('Chat with us');
    await eventually(() => preview.getByRole('dialog').getAttribute('aria-label')).toBe('Chat with us');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => page.getByText('Saved.').count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await keepDocScreenshot(await keepScreenshot(page, 'journey-7-site-editor'), 'dashboard-site-editor');
    const stored = await server.admin<{ look: { greeting: string } }>(`/v1/admin/sites/${server.demoSite.id}`);
    expect(stored.look.greeting).toBe(GREETING);

    // The visitor reloads and the widget greets with the new text, above their conversation.
    await site.reload();
    await ui.open();
    await eventually(() => ui.log.locator('.msg').first().textContent()).toBe(GREETING);
    expect(await ui.questions.last().textContent()).toContain('Do you ship ferns to Norway?');
    await keepScreenshot(site, 'journey-7-widget-greeting');

    expect(siteErrors).toEqual([]);
    expect(errors).toEqual([]);
  });
});
