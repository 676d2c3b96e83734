import { effect, type Signal } from '@preact/signals';
import type { ChatDeps } from './ChatDeps.js';
import { readPersisted, storageKey } from './persisted.js';

/** Offline is shown, and when the connection is back a failed start runs again and queued messages go out. */
export function followConnection(deps: ChatDeps, online: Signal<boolean>, reconnected: () => void): void {
  effect(() => {
    const update = () => {
      online.value = deps.isOnline();
      if (online.value) reconnected();
    };
    deps.events.addEventListener('online', update);
    deps.events.addEventListener('offline', update);
    return () => {
      deps.events.removeEventListener('online', update);
      deps.events.removeEventListener('offline', update);
    };
  });
}

/**
 * Another tab of the same visitor changed the conversation or finished a turn (`storage` fires in the other tabs
 * only): `follow` gets the saved state when this tab is free to take it.
 */
export function followOtherTabs(
  deps: ChatDeps,
  isFree: () => boolean,
  userId: () => string | null,
  follow: (token: string | null, conversationId: string | null) => void,
): void {
  effect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key !== storageKey(deps.siteKey) || !isFree()) return;
      const next = readPersisted(deps.storage, deps.siteKey);
      if ((next.userId ?? null) !== userId()) return;
      follow(next.token ?? null, next.conversationId ?? null);
    };
    deps.events.addEventListener('storage', onStorage as EventListener);
    return () => deps.events.removeEventListener('storage', onStorage as EventListener);
  });
}
