import { signal } from '@preact/signals';
import type { PublicSiteConfig, SessionResponse } from '../../../contract/index.js';
import type { ApiContext } from '../api/ApiContext.js';
import { ApiError } from '../api/ApiError.js';
import { createSession } from '../api/createSession.js';
import type { WidgetUser } from '../types.js';
import type { ChatDeps } from './ChatDeps.js';
import type { QueryStore } from './createQueryStore.js';
import { readPersisted, writePersisted } from './persisted.js';

/**
 * Who the visitor is to the API: the visitor token (kept across reloads), the user the page identified, the site's
 * public config, and `authed`, which gives a call one fresh session when the token expired.
 */
export function createSessionState(deps: ChatDeps, client: QueryStore) {
  let user = deps.user;
  let token: string | null = null;
  const site = signal<PublicSiteConfig | null>(null);
  /** The visitor left their details through the lead form (the server says so), or skipped it in this browser. */
  const leadDone = signal(false);
  let visitorId: string | null = null;
  const ctx: ApiContext = { apiUrl: deps.apiUrl, fetch: deps.fetch, token: () => token, XMLHttpRequest: deps.XMLHttpRequest };
  const saved = () => readPersisted(deps.storage, deps.siteKey);
  const save = (patch: Parameters<typeof writePersisted>[2]) => writePersisted(deps.storage, deps.siteKey, patch);
  const userId = () => user?.id ?? null;

  function session(): Promise<SessionResponse> {
    return client.fetchQuery({
      queryKey: ['session', userId()],
      queryFn: async () => {
        const before = saved();
        // A stored token is reused only by the same (or the same anonymous) visitor.
        const visitorToken = before.token && (before.userId ?? null) === userId() ? before.token : undefined;
        const body = { siteKey: deps.siteKey, user: user ?? undefined, locale: deps.locale };
        const res = await createSession(ctx, { ...body, visitorToken }).catch((error) => {
          if (visitorToken && error instanceof ApiError && (error.status === 400 || error.status === 401))
            return createSession(ctx, body);
          throw error;
        });
        token = res.visitorToken;
        visitorId = res.visitorId;
        leadDone.value = res.leadCaptured || saved().leadSkippedBy === res.visitorId;
        site.value = res.site;
        save({ token, userId: userId(), look: res.site.look });
        deps.onLook?.(res.site.look);
        return res;
      },
    });
  }

  /** Runs an authenticated call; an expired token (401) gets one fresh session and one more try. */
  async function authed<T>(call: () => Promise<T>): Promise<T> {
    await session();
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      token = null;
      save({ token: null });
      client.removeQueries(['session']);
      await session();
      return call();
    }
  }

  return {
    ctx,
    site,
    leadDone,
    /** The lead form was sent (the server keeps it) or skipped (remembered for this visitor in this browser). */
    finishLead(skipped: boolean): void {
      leadDone.value = true;
      if (skipped) save({ leadSkippedBy: visitorId });
    },
    saved,
    save,
    session,
    authed,
    userId,
    /** Another user (or none): forgets the token, so the next call starts that user's session. False if the same. */
    switchTo(next: WidgetUser | null): boolean {
      if ((next?.id ?? null) === userId() && next?.userHash === user?.userHash) return false;
      user = next;
      token = null;
      return true;
    },
    /** Another tab renewed the token of the same visitor. */
    adopt(next: string): void {
      token = next;
    },
  };
}

export type SessionState = ReturnType<typeof createSessionState>;
