import { describe, expect, it } from 'vitest';
import { until } from '../test/until.js';
import { widgetPages } from '../test/widgetPage.js';

const pages = widgetPages();

function start() {
  // The real panel chunk, loaded the way the loader loads it; only the network edge is scripted.
  const ui = pages.start();
  const button = (text: string) => ui.buttons(text)[0] ?? null;
  return { ...ui, button };
}

async function openAndType(ui: ReturnType<typeof start>, text: string) {
  ui.byLabel('Open chat')!.click();
  await until(() => ui.$('[role=log]') && ui.$('h2')?.textContent === 'Acme help');
  const box = ui.byLabel('Message') as HTMLTextAreaElement;
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  return box;
}

describe('the widget in its shadow root', () => {
  it('opens the panel from the launcher with the documented accessible names, greeting and starters', async () => {
    const ui = start();
    expect(document.querySelector('[data-chat-widget]')).toBe(ui.widget.host);
    expect(ui.shadow.mode).toBe('open');
    await openAndType(ui, '');
    expect(ui.byLabel('Open chat')!.tagName).toBe('BUTTON');
    expect(ui.byLabel('Message')!.tagName).toBe('TEXTAREA');
    expect(ui.button('Send')).not.toBeNull();
    expect(ui.byLabel('Attach image')!.tagName).toBe('BUTTON');
    const log = ui.$('[role=log]')!;
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(log.textContent).toContain('Hi! How can we help?');
    expect([...ui.shadow.querySelectorAll('.starter')].map((b) => b.textContent)).toEqual([
      'What do you sell?',
      'Opening hours?',
    ]);
    // The launcher takes the site's accent colour with readable text.
    expect(ui.widget.host.style.getPropertyValue('--cw-accent')).toBe('#2563eb');
    expect(ui.widget.host.style.getPropertyValue('--cw-on-accent')).toBe('#ffffff');
    expect(pages.events).toEqual(['open']);
  });

  it('sends with Enter, shows the streamed answer as markdown, and rates it', async () => {
    const ui = start();
    pages.server.answers.push('Hello **there**');
    const box = await openAndType(ui, 'Hi');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => ui.$('.msg strong')?.textContent === 'there');
    expect([...ui.shadow.querySelectorAll('.msg.user')].map((m) => m.textContent)).toEqual(['You: Hi']);
    expect(box.value).toBe('');
    // Icons are inline SVG, not emoji that need an emoji font to show.
    for (const label of ['Helpful', 'Not helpful', 'Attach image']) {
      expect(ui.byLabel(label)!.querySelector('svg[aria-hidden=true] path')).not.toBeNull();
      expect(ui.byLabel(label)!.textContent).toBe('');
    }
    ui.byLabel('Helpful')!.click();
    await until(() => ui.byLabel('Helpful')!.getAttribute('aria-pressed') === 'true');
    expect(pages.server.messages.at(-1)!.feedback).toBe('up');
    expect(pages.events).toEqual(['open', 'message:sent', 'message:received']);
  });

  it('shows an answer’s sources as small links (new tab, no opener), documents with their page, unsafe URLs as text', async () => {
    const ui = start();
    pages.server.answers.push('Refunds take 14 days [1]. See the terms [2].');
    const citation = { sourceId: 's1', snippet: '…', page: null };
    pages.server.citations = [
      { ...citation, title: 'Refund policy', url: 'https://shop.example/refunds' },
      { ...citation, title: 'Terms.pdf', url: null, page: 3 },
      { ...citation, title: 'Sneaky', url: 'javascript:alert(1)' },
    ];
    const box = await openAndType(ui, 'Refunds?');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => ui.$('.cites'));
    const items = [...ui.shadow.querySelectorAll('.cites li')];
    expect(items.map((li) => li.textContent)).toEqual(['Refund policy', 'Terms.pdf, p. 3', 'Sneaky']);
    const link = ui.$<HTMLAnchorElement>('.cites a')!;
    expect([link.href, link.target, link.rel]).toEqual(['https://shop.example/refunds', '_blank', 'noopener noreferrer']);
    expect(ui.shadow.querySelectorAll('.cites a')).toHaveLength(1);
    // From history too: a new panel over the same conversation shows them again.
    ui.widget.destroy();
    const again = start();
    again.byLabel('Open chat')!.click();
    await until(() => again.$('.cites'));
    expect(again.shadow.querySelectorAll('.cites li')).toHaveLength(3);
  });

  it('shows Stop while streaming, stops, and retries the stopped answer', async () => {
    const ui = start();
    pages.server.hold = true;
    pages.server.answers.push('First part and the rest');
    await openAndType(ui, 'Go');
    ui.button('Send')!.click();
    await until(() => ui.button('Stop'));
    expect(ui.$('[role=log]')!.getAttribute('aria-busy')).toBe('true');
    ui.button('Stop')!.click();
    await until(() => ui.$('.msg:last-child')?.textContent?.includes('Stopped.'));
    expect(ui.button('Send')).not.toBeNull();
    pages.server.hold = false;
    pages.server.answers.push('A complete answer');
    await until(() => ui.button('Retry'));
    ui.button('Retry')!.click();
    await until(() => ui.$('.msg:last-child')?.textContent?.includes('A complete answer'));
  });

  it('Esc closes the panel and returns focus to the launcher; Shift+Enter does not send', async () => {
    const ui = start();
    const box = await openAndType(ui, 'line one');
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', shiftKey: true, bubbles: true }));
    expect(pages.server.requests.some((r) => r.path.endsWith('/messages') && r.method === 'POST')).toBe(false);
    box.focus();
    box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await until(() => (ui.$('.panel') as HTMLElement).hidden);
    expect(ui.shadow.activeElement).toBe(ui.byLabel('Open chat'));
    expect(pages.events).toEqual(['open', 'close']);
  });

  it('attaches an image from the picker with a thumbnail and sends it', async () => {
    const ui = start();
    await openAndType(ui, 'Look');
    const picker = ui.$<HTMLInputElement>('input[type=file]')!;
    Object.defineProperty(picker, 'files', { value: [new File(['png'], 'leaf.png', { type: 'image/png' })], configurable: true });
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    await until(() => ui.$('.att.done'));
    expect(ui.$<HTMLImageElement>('.att img')!.alt).toBe('leaf.png');
    ui.button('Send')!.click();
    await until(() => ui.$('.msg.user .thumbs img'));
    expect(ui.$<HTMLImageElement>('.msg.user .thumbs img')!.getAttribute('src')).toBe(pages.server.images[0]!.thumbnailUrl);
  });
});
