import type { ChunkRecord, KnowledgeChunkRepository } from '../../data/knowledgeChunkRepository.js';
import type { KnowledgeSourceRepository } from '../../data/knowledgeSourceRepository.js';

/**
 * The chunks a site's answers may use: of each of its sources, the generation it serves (a source being synced keeps
 * serving its previous one; a source never synced serves none). What the retrieval index is built from.
 */
export async function servedChunks(
  deps: { sources: KnowledgeSourceRepository; chunks: KnowledgeChunkRepository },
  tenantId: string,
  siteId: string,
): Promise<ChunkRecord[]> {
  const sources = await deps.sources.forSite(tenantId, siteId);
  const generations = new Map(sources.filter((s) => s.generation > 0).map((s) => [s.id, s.generation]));
  return deps.chunks.servedForSite(tenantId, siteId, generations);
}
