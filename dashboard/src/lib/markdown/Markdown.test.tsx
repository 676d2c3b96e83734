import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { Markdown } from './Markdown.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
function render(source: string): HTMLElement {
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(<Markdown source={source} />));
  return container;
}
afterEach(() => container.remove());

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '"><style>body{display:none}</style>',
  '<details open ontoggle=alert(1)>',
];

describe('Markdown', () => {
  it.each(PAYLOADS)('renders %s as text, creating no element from it', (payload) => {
    const el = render(`Hello ${payload} **bold**`);
    expect(el.textContent).toBe(`Hello ${payload} bold`);
    expect(el.querySelectorAll('script, img, svg, iframe, style, details, a').length).toBe(0);
    expect([...el.querySelectorAll('*')].some((node) => [...node.attributes].some((a) => a.name.startsWith('on')))).toBe(false);
  });

  it('refuses unsafe link protocols but keeps the link text', () => {
    const el = render(
      '[click](javascript:alert(1)) [data](data:text/html,hi) [mail](mailto:a@b.example) [ok](https://example.com/a)',
    );
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['mailto:a@b.example', 'https://example.com/a']);
    expect(el.textContent).toContain('click');
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(a.getAttribute('target')).toBe('_blank');
    }
  });

  it('renders the markdown the assistant writes: paragraphs, emphasis, lists, code, links', () => {
    const el = render(
      '# Title\n\nSome *em* and **strong** and `a<b>`.\n\n- one\n- two\n\n3. three\n4. four\n\n```js\nconst x = "<b>";\n```\n\nSee https://example.com.',
    );
    expect(el.querySelector('h3')?.textContent).toBe('Title');
    expect(el.querySelector('em')?.textContent).toBe('em');
    expect(el.querySelector('strong')?.textContent).toBe('strong');
    expect(el.querySelector('p code')?.textContent).toBe('a<b>');
    expect([...el.querySelectorAll('ul li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(el.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(el.querySelector('pre code')?.textContent).toBe('const x = "<b>";');
    expect(el.querySelector('a')?.getAttribute('href')).toBe('https://example.com/');
    expect(el.querySelector('a')?.textContent).toBe('https://example.com');
  });
});
