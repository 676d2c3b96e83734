import { effect, type Signal } from '@preact/signals';
import type { ChatDeps } from './ChatDeps.js';
import { readPersisted, storageKey } from './persisted.js';

/** Listens to the browser's `type` events for the model's lifetime. */
function listen(deps: ChatDeps, types: string[], listener: (event: Event) => void): void {
  effect(() => {
    for (const type of types) deps.events.addEventListener(type, listener);
    return () => {
      for (const type of types) deps.events.removeEventListener(type, listener);
    };
  });
}

/** Offline is shown, and when the connection is back a failed start runs again and queued messages go out. */
export function followConnection(deps: ChatDeps, online: Signal<boolean>, reconnected: () => void): void {
  listen(deps, ['online', 'offline'], () => {
    online.value = deps.isOnline();
    if (online.value) reconnected();
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
  listen(deps, ['storage'], (event) => {
    if ((event as StorageEvent).key !== storageKey(deps.siteKey) || !isFree()) return;
    const next = readPersisted(deps.storage, deps.siteKey);
    if ((next.userId ?? null) === userId()) follow(next.token ?? null, next.conversationId ?? null);
  });
}
