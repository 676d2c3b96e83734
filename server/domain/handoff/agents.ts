import type { Me } from '../../../contract/admin.js';
import type { Agent } from '../../../contract/handoff.js';
import type { AgentProfileRepository } from '../../data/agentProfileRepository.js';

/** The local mode's one admin, as an agent (there is no user id to take). */
export const LOCAL_AGENT_ID = 'local-admin';
/** The name visitors see when an agent has none. */
export const DEFAULT_AGENT_NAME = 'Support';

/** The signed-in admin as the admin auth tells it (`http/middleware/adminAuth.ts`). */
export interface AdminPerson {
  tenantId: string;
  role: Me['role'];
  userId: string | null;
  /** The session's name claim (Clerk: a `name`/`fullName` claim added to the session token), if any. */
  name: string | null;
}

/**
 * The one home of "who is this admin as an agent": the id conversations are assigned to (the Clerk user, or
 * `local-admin`) and the name visitors see on replies: the display name the agent set in the dashboard, else the
 * session's name claim, else "Support". The name is copied onto each message at write time, so a later rename never
 * rewrites what a visitor was told.
 */
export function agentDirectory(deps: { profiles: AgentProfileRepository; now: () => Date }) {
  const { profiles } = deps;
  const idOf = (person: AdminPerson) => person.userId ?? LOCAL_AGENT_ID;

  async function me(person: AdminPerson): Promise<Me> {
    const id = idOf(person);
    const displayName = await profiles.displayName(person.tenantId, id);
    const name = displayName ?? (person.name?.trim() || DEFAULT_AGENT_NAME);
    return { tenantId: person.tenantId, role: person.role, userId: person.userId, agent: { id, name }, displayName };
  }

  return {
    me,
    agentOf: async (person: AdminPerson): Promise<Agent> => (await me(person)).agent,
    async setDisplayName(person: AdminPerson, displayName: string | null): Promise<Me> {
      await profiles.setDisplayName(person.tenantId, idOf(person), displayName, deps.now());
      return me(person);
    },
  };
}
export type AgentDirectory = ReturnType<typeof agentDirectory>;
