import { QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { App } from '../app/App.js';
import { createQueryClient } from '../app/createQueryClient.js';

/** Mounts the whole dashboard, as main.tsx does, against `apiBaseUrl`. */
export function renderApp(apiBaseUrl: string) {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  const queryClient = createQueryClient();
  root.render(
    <QueryClientProvider client={queryClient}>
      <App apiBaseUrl={apiBaseUrl} />
    </QueryClientProvider>,
  );
  return {
    container,
    queryClient,
    unmount: () => {
      root.unmount();
      container.remove();
      queryClient.clear();
    },
  };
}

/** Sets a form control's value the way a user's input does, so React's onChange fires. */
export function changeValue(element: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, value: string) {
  const proto =
    element instanceof HTMLSelectElement
      ? HTMLSelectElement.prototype
      : element instanceof HTMLTextAreaElement
        ? HTMLTextAreaElement.prototype
        : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(element, value);
  element.dispatchEvent(new Event(element instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}
