// @vitest-environment node
// Server rendering (Next.js, Remix, renderToString): importing the binding and rendering it touch no browser global.
import { createElement, StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChatWidget, useChatWidget } from './index.js';

function Page() {
  const { open } = useChatWidget();
  return createElement('button', { type: 'button', onClick: open }, 'Help');
}

describe('<ChatWidget> on the server', () => {
  it('imports and renders without window, document or storage, and renders nothing', () => {
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    const html = renderToString(
      createElement(
        StrictMode,
        null,
        createElement(ChatWidget, { siteKey: 'pk_x', apiUrl: 'https://chat.example.com', user: { id: 'u' }, open: true }),
        createElement(Page),
      ),
    );
    expect(html).toBe('<button type="button">Help</button>');
  });
});
