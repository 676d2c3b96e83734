import type { Source } from '../../../../contract/index.js';

/** What a screen reader hears when a source's sync ends: "“Help” is ready (12 passages).", or why it failed. */
export function statusChanges(previous: ReadonlyMap<string, Source['status']>, sources: Source[]): string[] {
  const said: string[] = [];
  for (const source of sources) {
    const before = previous.get(source.id);
    if (before === undefined || before === source.status) continue;
    if (source.status === 'ready')
      said.push(`“${source.title}” is ready (${source.chunks} passage${source.chunks === 1 ? '' : 's'}).`);
    else if (source.status === 'failed') said.push(`“${source.title}” failed: ${source.error?.message ?? 'unknown reason'}`);
    else if (source.status === 'processing') said.push(`“${source.title}” is syncing.`);
  }
  return said;
}
