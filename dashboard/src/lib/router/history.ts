/** Where the server mounts the dashboard; every route lives under it (history routing). */
export const BASE_PATH = '/dashboard';

const NAVIGATE_EVENT = 'dashboard:navigate';

export interface Location {
  /** Path inside the dashboard, always starting with `/` (e.g. `/conversations/abc`). */
  path: string;
  /** The query string including `?`, or `''`. */
  search: string;
}

export function readLocation(win: Window = window): Location {
  const { pathname, search } = win.location;
  const inside = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  return { path: inside === '' ? '/' : inside, search };
}

/** The browser URL for a dashboard path (`/sites` → `/dashboard/sites`). */
export const hrefFor = (to: string): string => `${BASE_PATH}${to.startsWith('/') ? to : `/${to}`}`;

/** Moves to a dashboard path; `replace` keeps filter typing out of the back-button history. */
export function navigate(to: string, { replace = false } = {}, win: Window = window): void {
  const href = hrefFor(to);
  if (href === `${win.location.pathname}${win.location.search}`) return;
  if (replace) win.history.replaceState(null, '', href);
  else win.history.pushState(null, '', href);
  win.dispatchEvent(new Event(NAVIGATE_EVENT));
}

export function subscribeToLocation(onChange: () => void, win: Window = window): () => void {
  win.addEventListener('popstate', onChange);
  win.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    win.removeEventListener('popstate', onChange);
    win.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}
