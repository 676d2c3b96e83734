import { QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { App } from '../app/App.js';
import { TOKEN_STORAGE_KEY } from '../app/auth/localToken.js';
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

/** Mounts the dashboard at `path` (a full URL path, `/dashboard/…`), signed in with the local admin token `admin`. */
export function renderAppAt(apiBaseUrl: string, path: string) {
  sessionStorage.setItem(TOKEN_STORAGE_KEY, 'admin');
  history.replaceState(null, '', path);
  return renderApp(apiBaseUrl);
}

/**
 * The queries a page test reads the mounted dashboard through. `root` gives the current app's container (a test
 * mounts a new one), or nothing before one is mounted: then every query answers `null`, `[]` or `''`. `within`
 * narrows a query to a part of the page (a row, a form).
 */
export function pageQueries(root: () => ParentNode | undefined) {
  const $ = <T extends Element>(selector: string, within: ParentNode | null | undefined = root()) =>
    within?.querySelector<T>(selector) ?? null;
  const $$ = <T extends Element>(selector: string, within: ParentNode | null | undefined = root()) => [
    ...(within?.querySelectorAll<T>(selector) ?? []),
  ];
  const text = () => root()?.textContent ?? '';
  const buttons = (label: string, within: ParentNode | null | undefined = root()) =>
    $$<HTMLButtonElement>('button', within).filter((b) => b.textContent === label);
  const button = (label: string, within: ParentNode | null | undefined = root()) => buttons(label, within)[0] ?? null;
  /** What the page announced last to screen readers (its visually hidden status line). */
  const liveRegion = () => $('p[role="status"].visually-hidden')?.textContent ?? '';
  return { $, $$, text, buttons, button, liveRegion };
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
