import { describe, expect, it } from 'vitest';
import { htmlToDocument } from './htmlToDocument.js';

const filler = (topic: string) =>
  `${topic} is explained here in enough words for a reader to learn what it means, how it works and why it matters to them.`;

const articlePage = `<!doctype html><html lang="en"><head>
<title>Pricing | Acme</title>
<style>.hero { color: red }</style>
<script>window.tracking = "SECRET_SCRIPT_TEXT";</script>
</head><body>
<header><a href="/">Acme</a><nav><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/about">About us</a></nav></header>
<main><article>
  <h1>Pricing</h1>
  <p>Our plans start at 10 dollars a month. ${filler('The starter plan')}</p>
  <h2>Team plan</h2>
  <p>The team plan costs 50 dollars per month &amp; includes five seats. ${filler('Seat management')}</p>
  <ul><li>Five seats</li><li>Priority <b>support</b></li></ul>
  <h3>Billing</h3>
  <p>We bill monthly, in advance. ${filler('Invoicing')}</p>
  <form action="/subscribe"><label>Email <input name="email"></label><button>Subscribe to FORM_TEXT</button></form>
  <noscript>NOSCRIPT_TEXT</noscript>
</article></main>
<footer>Copyright Acme FOOTER_TEXT</footer>
<script>track("SECOND_SCRIPT")</script>
</body></html>`;

describe('htmlToDocument', () => {
  it('keeps the main content with Markdown-style headings and list items, and drops scripts, styles, navigation and forms', () => {
    const document = htmlToDocument(articlePage, 'https://acme.test/pricing');
    expect(document).toMatchObject({ title: 'Pricing | Acme', url: 'https://acme.test/pricing', page: null });
    expect(document.text).toContain('Our plans start at 10 dollars a month.');
    expect(document.text).toMatch(/\n\n## Team plan\n\nThe team plan costs 50 dollars per month & includes five seats\./);
    expect(document.text).toContain('\n\n- Five seats\n- Priority support\n\n### Billing\n\nWe bill monthly, in advance.');
    for (const noise of [
      'SECRET_SCRIPT_TEXT',
      'SECOND_SCRIPT',
      'color: red',
      'About us',
      'FORM_TEXT',
      'NOSCRIPT_TEXT',
      'FOOTER_TEXT',
    ])
      expect(document.text).not.toContain(noise);
  });

  it('reads a short page whole when Readability finds no article, without navigation, header, footer, sidebar, breadcrumb or cookie banner', () => {
    const page = `<html><head><title>Contact</title></head><body>
      <header>HEADER_TEXT</header><nav><a href="/">Home</a> NAV_TEXT</nav><div class="col sidebar">SIDEBAR_TEXT</div>
      <ol class="breadcrumb"><li>Home</li><li>Contact</li></ol><div id="cookie-banner-1">We use cookies</div>
      <h1>Contact us</h1><p>Call us at 555-1234.<br>Monday to Friday</p><aside>ASIDE_TEXT</aside>
      <footer>FOOTER_TEXT</footer></body></html>`;
    const document = htmlToDocument(page, 'https://acme.test/contact');
    expect(document.title).toBe('Contact');
    expect(document.text).toBe('# Contact us\n\nCall us at 555-1234.\nMonday to Friday');
  });

  it('reads an HTML fragment whole when asked to (a DOCX converted to HTML): tables, code and nested lists kept', () => {
    const fragment = `<h1>Install guide</h1><p>Intro</p>
      <ul><li><p>one</p></li><li>two<ul><li>two a</li></ul></li><li>three</li></ul>
      <ol><li>first</li><li>second</li></ol>
      <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Team</td><td>50</td></tr></table>
      <pre>npm install\n  --save</pre>
      <p># not a heading</p>`;
    const document = htmlToDocument(fragment, null, { mainContentOnly: false });
    expect(document).toEqual({
      title: 'Install guide',
      url: null,
      page: null,
      text: [
        '# Install guide',
        'Intro',
        '- one\n- two\n- two a\n- three',
        '- first\n- second',
        'Plan | Price\nTeam | 50',
        'npm install\n  --save',
        '\\# not a heading',
      ].join('\n\n'),
    });
  });

  it('takes the title from the title tag, else og:title, else the first heading, else the URL', () => {
    expect(
      htmlToDocument('<html><head><meta property="og:title" content="Open Graph"></head><body><p>x</p></body></html>', 'u').title,
    ).toBe('Open Graph');
    expect(htmlToDocument('<html><body><h1> First\n heading </h1><p>x</p></body></html>', 'u').title).toBe('First heading');
    expect(htmlToDocument('<html><body><p>x</p></body></html>', 'https://acme.test/x').title).toBe('https://acme.test/x');
  });

  it('yields empty text for a page with nothing to read', () => {
    expect(
      htmlToDocument('<html><head><title>Empty</title><script>x()</script></head><body><nav>Home</nav></body></html>', 'u'),
    ).toEqual({
      title: 'Empty',
      url: 'u',
      page: null,
      text: '',
    });
  });
});
