import { ApiError, apiErrorFrom } from '../../../contract/ApiError.js';
import type { ImageRef } from '../../../contract/index.js';
import { type ApiContext, authHeaders, endpoint } from './ApiContext.js';

/** `POST images` (multipart field `file`) through XMLHttpRequest, because fetch cannot report upload progress. */
export function uploadImage(
  ctx: ApiContext,
  file: Blob,
  conversationId: string | null,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<ImageRef> {
  return new Promise((resolve, reject) => {
    const Xhr = ctx.XMLHttpRequest ?? XMLHttpRequest;
    const xhr = new Xhr();
    xhr.open('POST', endpoint(ctx, 'images'));
    for (const [name, value] of Object.entries(authHeaders(ctx))) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {}
      if (xhr.status >= 200 && xhr.status < 300 && body) return resolve(body as ImageRef);
      reject(apiErrorFrom(xhr.status, body, 'upload failed'));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'upload failed'));
    xhr.onabort = () => reject(new DOMException('upload aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file);
    if (conversationId) form.append('conversationId', conversationId);
    xhr.send(form);
  });
}
