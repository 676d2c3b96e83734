import { useSyncExternalStore } from 'react';
import { readLocation, subscribeToLocation } from './history.js';

// Serialised so the snapshot is a stable primitive between renders.
const snapshot = () => {
  const { path, search } = readLocation();
  return `${path}${search}`;
};

/** The current dashboard path and query, re-rendering on navigation and back/forward. */
export function useLocation(): { path: string; search: string } {
  const value = useSyncExternalStore(subscribeToLocation, snapshot);
  const queryStart = value.indexOf('?');
  return queryStart === -1 ? { path: value, search: '' } : { path: value.slice(0, queryStart), search: value.slice(queryStart) };
}
