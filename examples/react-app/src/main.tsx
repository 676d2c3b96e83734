import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

// The site key and the chat server's origin, from the page (a real app would write them in its config).
const meta = (name: string) => document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App siteKey={meta('chat-site-key')} apiUrl={meta('chat-api-url')} />
    </StrictMode>,
  );
