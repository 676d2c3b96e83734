import type { ModeEvent, SiteLook } from '../../../contract/index.js';

/** What survives a reload, per site key: the visitor token (and whose it is), the open conversation, the look. */
export interface Persisted {
  token?: string | null;
  userId?: string | null;
  conversationId?: string | null;
  look?: SiteLook | null;
  /** Who answers that conversation (once a person was asked for) and the last event of its stream seen. */
  handoff?: { conversationId: string; person: ModeEvent; eventId: string | null } | null;
  /** The visitor who skipped the lead form here (not asked again in this browser). */
  leadSkippedBy?: string | null;
  /** Bumped after every change another tab should pick up (the storage event fires only on a changed value). */
  rev?: number;
}

export const storageKey = (siteKey: string): string => `chatwidget:${siteKey}`;

/** Storage can throw (blocked cookies, private mode, sandboxed frames): the widget then simply forgets on reload. */
export function readPersisted(storage: Storage | null, siteKey: string): Persisted {
  try {
    return JSON.parse(storage?.getItem(storageKey(siteKey)) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

export function writePersisted(storage: Storage | null, siteKey: string, patch: Persisted): void {
  try {
    storage?.setItem(storageKey(siteKey), JSON.stringify({ ...readPersisted(storage, siteKey), ...patch }));
  } catch {}
}
