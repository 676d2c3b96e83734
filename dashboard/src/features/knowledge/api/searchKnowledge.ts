import { useMutation } from '@tanstack/react-query';
import type { KnowledgeSearch, KnowledgeSearchResult } from '../../../../../contract/index.js';
import { useApiClient } from '../../../lib/ApiClientContext.js';
import type { ApiClient } from '../../../lib/apiClient.js';

/** The passages retrieval would give the model for a question, with their scores (members may ask too). */
export const searchKnowledge = (client: ApiClient, siteId: string, body: KnowledgeSearch) =>
  client.post<KnowledgeSearchResult>(`sites/${encodeURIComponent(siteId)}/knowledge/search`, { body });

/** "Try a question": asked on demand, never cached (the answer changes with every sync). */
export function useSearchKnowledge(siteId: string) {
  const client = useApiClient();
  return useMutation({ mutationFn: (q: string) => searchKnowledge(client, siteId, { q }) });
}
