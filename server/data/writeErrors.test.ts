import { afterAll, describe, expect, it } from 'vitest';
import { createModels } from '../db/models/index.js';
import { openTestDatabase } from '../test/database.js';
import { agentProfileRepository } from './agentProfileRepository.js';
import { knowledgeVersionRepository } from './knowledgeVersionRepository.js';
import { liveEventRepository } from './liveEventRepository.js';

// Concurrent first upserts of one key on the real database: one of them inserts, the others update it, none fails.
// Without the retry, about one round in thirty of six such upserts loses one to a duplicate key on FerretDB.
const connection = await openTestDatabase(import.meta.url);
const models = await createModels(connection);
afterAll(() => connection.close());

const ROUNDS = 40;
/** Each round races six writes of one fresh key; every write must succeed. */
async function race(write: (key: string, i: number) => Promise<unknown>) {
  for (let round = 0; round < ROUNDS; round++) await Promise.all(Array.from({ length: 6 }, (_, i) => write(`race-${round}`, i)));
}

describe('upserts racing to create one document', () => {
  it("an agent's display name set from several requests at once", async () => {
    const profiles = agentProfileRepository(models);
    await race((agent, i) => profiles.setDisplayName('t-race', agent, `Name ${i}`, new Date()));
    expect(await models.AgentProfile.countDocuments({ tenantId: 't-race' })).toBe(ROUNDS);
    expect(await profiles.displayName('t-race', 'race-0')).toMatch(/^Name [0-5]$/);
  });

  it("a site's knowledge stamp bumped by several changes at once", async () => {
    const versions = knowledgeVersionRepository(models);
    await race((site) => versions.bump('t-race', site));
    expect(await models.KnowledgeVersion.countDocuments({ tenantId: 't-race' })).toBe(ROUNDS);
  });

  it("an agent's presence written by several streams at once", async () => {
    const live = liveEventRepository(models);
    await race((agent, i) => live.present(agent, 't-race', new Date(Date.now() + i * 1000)));
    expect(await models.AgentPresence.countDocuments({ tenantId: 't-race' })).toBe(ROUNDS);
  });
});
