import type { KnowledgeSearchResult } from '../../contract/knowledgeSearch.js';
import type { Retriever } from '../knowledge/retrieval/retriever.js';
import type { SiteService } from './siteService.js';

/** The owner's "Try a question": exactly the passages the model would be given for `q`, with their scores. */
export function knowledgeSearch(deps: { sites: SiteService; retriever: Retriever }) {
  return async (tenantId: string, siteId: string, q: string): Promise<KnowledgeSearchResult> => {
    const site = await deps.sites.get(tenantId, siteId);
    const { passages, hybrid } = await deps.retriever.retrieve(site, q);
    return {
      mode: hybrid ? 'hybrid' : 'keyword',
      items: passages.map(({ passage, score, keywordScore, similarity }, i) => ({
        number: i + 1,
        sourceId: passage.sourceId,
        title: passage.title,
        url: passage.url,
        page: passage.page,
        headingPath: passage.headingPath,
        text: passage.text,
        score,
        keywordScore,
        similarity,
      })),
    };
  };
}
export type KnowledgeSearchService = ReturnType<typeof knowledgeSearch>;
