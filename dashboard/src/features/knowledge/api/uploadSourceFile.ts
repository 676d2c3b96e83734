import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Source } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';
import { sourcesQueryKey } from './getSources.js';

export interface SourceFileUpload {
  file: Blob;
  filename: string;
  title?: string;
}

/** A document (multipart field `file`, optional `title`); the server takes its type from the bytes. */
export function uploadSourceFile(client: ApiClient, siteId: string, upload: SourceFileUpload): Promise<Source> {
  const form = new FormData();
  if (upload.title) form.append('title', upload.title);
  form.append('file', upload.file, upload.filename);
  return client.post<Source>(`sites/${encodeURIComponent(siteId)}/sources/files`, { body: form });
}

export function useUploadSourceFile(siteId: string) {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upload: SourceFileUpload) => uploadSourceFile(client, siteId, upload),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sourcesQueryKey(siteId) }),
  });
}
