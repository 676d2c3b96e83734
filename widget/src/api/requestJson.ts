import { type ApiContext, authHeaders, endpoint } from './ApiContext.js';
import { networkError, toApiError } from './ApiError.js';

/** One JSON request to the widget API; rejects with an ApiError for HTTP and network failures. */
export async function requestJson<T>(ctx: ApiContext, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await ctx.fetch(endpoint(ctx, path), {
      method,
      headers: { ...authHeaders(ctx), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw networkError(error);
  }
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}
