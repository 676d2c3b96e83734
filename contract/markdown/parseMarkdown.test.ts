import { describe, expect, it } from 'vitest';
import { safeSrc, safeUrl } from '../safeUrl.js';
import type { MarkdownNode } from './MarkdownNode.js';
import { parseInline } from './parseInline.js';
import { parseMarkdown } from './parseMarkdown.js';

// The grammar both UIs render; their own tests render it and check the XSS guarantees in a DOM.
const li = (...children: MarkdownNode[]): MarkdownNode => ({ type: 'li', children });

describe('parseMarkdown', () => {
  it('reads the blocks chat answers use', () => {
    expect(
      parseMarkdown(
        '## Setup ##\n\nStep one\nstep two\n> not a quote\n\n```js\n<b>\n```\n3. three\n4. four\n- a\n  more\n    - nested',
      ),
    ).toEqual([
      { type: 'heading', level: 2, children: ['Setup'] },
      { type: 'p', children: ['Step one', { type: 'br' }, 'step two', { type: 'br' }, '> not a quote'] },
      { type: 'pre', children: [{ type: 'code', children: ['<b>'], lang: 'js' }] },
      { type: 'ol', start: 3, children: [li('three'), li('four')] },
      { type: 'ul', start: 1, children: [li('a', { type: 'br' }, 'more'), li('nested')] },
    ]);
  });

  it('keeps a heading that ends in a hash sign and a fence left open to the end', () => {
    expect(parseMarkdown('# Learn C#\n~~~\nno end')).toEqual([
      { type: 'heading', level: 1, children: ['Learn C#'] },
      { type: 'pre', children: [{ type: 'code', children: ['no end'], lang: '' }] },
    ]);
  });
});

describe('parseInline', () => {
  it('reads code, strong, emphasis, links and bare URLs, and leaves snake_case alone', () => {
    expect(
      parseInline('`` `x` `` **b** *i* _j_ snake_case_name [w](https://en.wikipedia.org/wiki/A_(b)) https://x.example/p.'),
    ).toEqual([
      { type: 'code', children: ['`x`'] },
      ' ',
      { type: 'strong', children: ['b'] },
      ' ',
      { type: 'em', children: ['i'] },
      ' ',
      { type: 'em', children: ['j'] },
      ' snake_case_name ',
      { type: 'a', href: 'https://en.wikipedia.org/wiki/A_(b)', children: ['w'] },
      ' ',
      { type: 'a', href: 'https://x.example/p', children: ['https://x.example/p'] },
      '.',
    ]);
  });

  it('keeps the label of a refused link as text', () => {
    expect(parseInline('[open **me**](javascript:alert(1))')).toEqual(['open ', { type: 'strong', children: ['me'] }]);
  });
});

describe('safeUrl', () => {
  it('allows absolute http(s) and mailto URLs only', () => {
    expect(safeUrl(' https://example.com ')).toBe('https://example.com/');
    expect(safeUrl('mailto:a@b.example')).toBe('mailto:a@b.example');
    for (const bad of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'java\tscript:x',
      'data:text/html,x',
      'vbscript:x',
      '/path',
      'x.html',
      '',
    ])
      expect(safeUrl(bad), bad).toBeNull();
  });

  it('allows a same-origin path for image sources, never a protocol-relative URL', () => {
    expect(safeSrc(' https://cdn.example/a.webp')).toBe('https://cdn.example/a.webp');
    expect(safeSrc('javascript:alert(1)')).toBeNull();
    expect(safeSrc('/images/a.webp')).toBe('/images/a.webp');
    expect(safeSrc('//evil.example/a')).toBeNull();
    expect(safeSrc('/\\evil.example/a')).toBeNull();
  });
});
