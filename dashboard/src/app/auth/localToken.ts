/** Where the local-mode admin token lives: per tab, gone when the tab closes. */
export const TOKEN_STORAGE_KEY = 'chatwidget.dashboard.adminToken';

/**
 * Takes `#token=…` from the URL (the link the server prints at start-up) into sessionStorage and removes
 * it from the address bar and history, so it is not shared by copying the URL. Returns the token to use:
 * the one from the URL, else the stored one, else `null`.
 */
export function takeLocalToken(win: Window = window): string | null {
  const hash = win.location.hash.replace(/^#/, '');
  const params = new URLSearchParams(hash);
  if (params.has('token')) {
    const fromUrl = params.get('token')?.trim() ?? '';
    if (fromUrl) storeLocalToken(fromUrl, win);
    params.delete('token');
    const rest = params.toString();
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`);
    if (fromUrl) return fromUrl;
  }
  return readStoredToken(win);
}

export function readStoredToken(win: Window = window): string | null {
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeLocalToken(token: string, win: Window = window): void {
  try {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage disabled: the token still works for this page load.
  }
}

export function clearLocalToken(win: Window = window): void {
  try {
    win.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
