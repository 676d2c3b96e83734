// Dashboard entry: mounts the app; everything it needs comes in as props so tests can mount it too.
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { createQueryClient } from './app/createQueryClient.js';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={createQueryClient()}>
        <App apiBaseUrl={new URL('/v1/admin/', window.location.origin).href} />
      </QueryClientProvider>
    </StrictMode>,
  );
