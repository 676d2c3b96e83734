import { describe, expect, it } from 'vitest';
import { buildEmbedSnippet } from './embedSnippet.js';

describe('buildEmbedSnippet', () => {
  it('builds the one-line script tag from the server origin and site key', () => {
    expect(buildEmbedSnippet('https://chat.example.com', 'pk_site_123')).toBe(
      '<script src="https://chat.example.com/widget.js" data-site-key="pk_site_123" async></script>',
    );
  });

  it('uses only the origin, whatever path or trailing slash it was given', () => {
    expect(buildEmbedSnippet('http://127.0.0.1:3000/dashboard/sites/x', 'k')).toBe(
      '<script src="http://127.0.0.1:3000/widget.js" data-site-key="k" async></script>',
    );
  });

  it('escapes attribute values so a key can never break out of the tag', () => {
    const snippet = buildEmbedSnippet('https://h.example', '"><img src=x onerror=alert(1)>');
    expect(snippet).toBe(
      '<script src="https://h.example/widget.js" data-site-key="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" async></script>',
    );
    const parsed = new DOMParser().parseFromString(snippet, 'text/html').querySelector('script');
    expect(parsed?.getAttribute('data-site-key')).toBe('"><img src=x onerror=alert(1)>');
  });
});
