import { render } from 'preact';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown.js';

function renderToDiv(text: string): HTMLDivElement {
  const div = document.createElement('div');
  render(<Markdown text={text} />, div);
  return div;
}

// Classic XSS payloads (OWASP cheat-sheet style); each must come out as visible text, never as markup.
const payloads = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<svg onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '"><script>alert(document.cookie)</script>',
  '<body onload=alert(1)>',
  '<div style="background:url(javascript:alert(1))">',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '[x](javascript&#58;alert(1))',
  '**<img src=x onerror=alert(1)>**',
  '`<script>alert(1)</script>`',
  '```\n<script>alert(1)</script>\n```',
  '- <iframe srcdoc="<script>alert(1)</script>">',
  '<scr<script>ipt>alert(1)</script>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
];

describe('Markdown', () => {
  it.each(payloads)('renders %s as text, with no active markup', (payload) => {
    const div = renderToDiv(payload);
    expect(div.querySelectorAll('script, iframe, img, svg, math, style, body, object, embed, form')).toHaveLength(0);
    for (const el of div.querySelectorAll('*')) {
      for (const attr of el.getAttributeNames()) expect(attr.startsWith('on'), `${el.tagName} ${attr}`).toBe(false);
      expect(el.getAttribute('style')).toBeNull();
    }
    for (const a of div.querySelectorAll('a')) expect(a.getAttribute('href')).toMatch(/^(https?:|mailto:)/);
    // Angle-bracket payloads survive verbatim as text, so the reader sees what the model wrote.
    if (payload.startsWith('<')) expect(div.textContent).toContain(payload.replace(/^.*\n/, '').slice(0, 8));
  });

  it('renders paragraphs, emphasis, code, lists and safe links', () => {
    const div = renderToDiv(
      'Hello **bold** and *it* and _also_ with `a<b>`\nnext line\n\n- one\n- two [docs](https://example.com/a?b=1)\n\n3. three\n4. four\n\n```js\nconst x = 1 < 2;\n```\n\nmail [us](mailto:hi@example.com) or see https://example.org/path.',
    );
    const [p1] = div.querySelectorAll('p');
    expect(p1!.querySelector('strong')!.textContent).toBe('bold');
    expect([...p1!.querySelectorAll('em')].map((e) => e.textContent)).toEqual(['it', 'also']);
    expect(p1!.querySelector('code')!.textContent).toBe('a<b>');
    expect(p1!.querySelector('br')).not.toBeNull();
    expect([...div.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['one', 'two docs']);
    expect(div.querySelector('ol')!.getAttribute('start')).toBe('3');
    expect(div.querySelector('pre > code')!.textContent).toBe('const x = 1 < 2;');
    const links = [...div.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://example.com/a?b=1',
      'mailto:hi@example.com',
      'https://example.org/path',
    ]);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
      expect(a.getAttribute('target')).toBe('_blank');
    }
  });

  it('keeps the label of a refused link as plain text and leaves snake_case alone', () => {
    const div = renderToDiv('[open me](javascript:alert(1)) and some_snake_case_name');
    expect(div.querySelector('a')).toBeNull();
    expect(div.textContent).toBe('open me and some_snake_case_name');
  });
});
