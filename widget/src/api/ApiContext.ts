/** What every endpoint function needs: where the API is, how to fetch, and the visitor token. Tests inject `fetch`. */
export interface ApiContext {
  /** Origin (or base URL) of the API, without the `/v1/widget` part. */
  apiUrl: string;
  fetch: typeof fetch;
  /** The current visitor token, or null before a session exists. */
  token: () => string | null;
  /** Upload transport (progress events need XMLHttpRequest); defaults to the global one. */
  XMLHttpRequest?: typeof XMLHttpRequest;
}

export const endpoint = (ctx: ApiContext, path: string): string => `${ctx.apiUrl.replace(/\/+$/, '')}/v1/widget/${path}`;

export function authHeaders(ctx: ApiContext): Record<string, string> {
  const token = ctx.token();
  return token ? { authorization: `Bearer ${token}` } : {};
}
