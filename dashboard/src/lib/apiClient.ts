import { ApiError, toApiError } from '../../../contract/ApiError.js';

type QueryValue = string | number | boolean | null | undefined;

export interface ApiClientOptions {
  /** Absolute base of the admin API, ending in `/` (e.g. `https://host/v1/admin/`). */
  baseUrl: string;
  /** Called before every request so short-lived tokens (Clerk) are always fresh; `null` sends no header. */
  getToken: () => Promise<string | null> | string | null;
  /** The network edge; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** Sent as JSON; a `FormData` goes as multipart (the browser writes its boundary). */
  body?: unknown;
  signal?: AbortSignal;
}

export interface ApiClient {
  get<T>(path: string, options?: RequestOptions): Promise<T>;
  post<T>(path: string, options?: RequestOptions): Promise<T>;
  patch<T>(path: string, options?: RequestOptions): Promise<T>;
  delete<T = void>(path: string, options?: RequestOptions): Promise<T>;
  /** `GET` of a file (an export): its bytes and the name the server gave it (`Content-Disposition`), if any. */
  download(path: string, options?: RequestOptions): Promise<DownloadedFile>;
  /** `GET` of an event stream: the open response, to read with `readEventStream` (contract/sse.ts). */
  stream(path: string, options: { signal: AbortSignal; lastEventId?: string | null }): Promise<Response>;
}

export interface DownloadedFile {
  blob: Blob;
  filename: string | null;
}

/** The `filename="…"` of a `Content-Disposition` header (the server writes plain ASCII names). */
export function attachmentName(header: string | null): string | null {
  return header?.match(/filename="([^"]+)"/)?.[1] ?? null;
}

/** Builds `path?query` under the base, dropping empty values so equal filters give equal URLs. */
export function buildUrl(baseUrl: string, path: string, query?: Record<string, QueryValue>): URL {
  const url = new URL(path.replace(/^\//, ''), baseUrl);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    url.searchParams.set(key, String(value));
  }
  return url;
}

/** The dashboard's only `fetch`: JSON (or multipart) in, JSON out, Bearer token, errors as `ApiError`. */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const send = async (
    method: string,
    path: string,
    { query, body, signal }: RequestOptions,
    headers: Record<string, string>,
  ): Promise<Response> => {
    const token = await options.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    const form = body instanceof FormData;
    if (body !== undefined && !form) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(buildUrl(options.baseUrl, path, query), {
        method,
        headers,
        body: body === undefined ? null : form ? body : JSON.stringify(body),
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'network_error', 'The server could not be reached. Check your connection and try again.');
    }
    if (!response.ok) throw await toApiError(response);
    return response;
  };
  const request = async <T>(method: string, path: string, o: RequestOptions = {}): Promise<T> => {
    const response = await send(method, path, o, { accept: 'application/json' });
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  };
  return {
    get: (path, o) => request('GET', path, o),
    post: (path, o) => request('POST', path, o),
    patch: (path, o) => request('PATCH', path, o),
    delete: (path, o) => request('DELETE', path, o),
    download: async (path, o = {}) => {
      const response = await send('GET', path, o, { accept: '*/*' });
      return { blob: await response.blob(), filename: attachmentName(response.headers.get('content-disposition')) };
    },
    stream: (path, { signal, lastEventId }) =>
      send('GET', path, { signal }, { accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }),
  };
}
