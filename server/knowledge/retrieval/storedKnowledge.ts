import type { KnowledgeChunkRepository } from '../../data/knowledgeChunkRepository.js';
import type { KnowledgeSourceRepository } from '../../data/knowledgeSourceRepository.js';
import type { KnowledgeVersionRepository } from '../../data/knowledgeVersionRepository.js';
import type { KnowledgeStore } from './retriever.js';

/** The sites' stored knowledge: the version stamp (by `_id`), and on a rebuild the chunks each source serves. */
export function storedKnowledge(repos: {
  knowledgeSources: KnowledgeSourceRepository;
  knowledgeChunks: KnowledgeChunkRepository;
  knowledgeVersions: KnowledgeVersionRepository;
}): KnowledgeStore {
  return {
    versionOf: async (_tenantId, siteId) => (await repos.knowledgeVersions.get(siteId)) ?? 'none',
    async passagesOf(tenantId, siteId) {
      const sources = await repos.knowledgeSources.forSite(tenantId, siteId);
      // Only each source's served generation: a sync's unfinished next one is never half-served.
      const served = new Map(sources.filter((s) => s.generation > 0).map((s) => [s.id, s.generation]));
      const chunks = await repos.knowledgeChunks.servedForSite(tenantId, siteId, served);
      return chunks
        .sort((a, b) => a.sourceId.localeCompare(b.sourceId) || a.position - b.position)
        .map((chunk) => ({
          id: chunk.id,
          sourceId: chunk.sourceId,
          title: chunk.title,
          url: chunk.url,
          page: chunk.page,
          headingPath: chunk.headingPath,
          text: chunk.text,
          embedding: chunk.embedding,
        }));
    },
  };
}
