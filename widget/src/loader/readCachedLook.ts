import type { SiteLook } from '../../../contract/index.js';

/**
 * The site's look saved by the panel on an earlier visit (same record as `state/persisted.ts`, read here on its own
 * so the loader and the panel chunk share no module), to paint the launcher right before any request.
 */
export function readCachedLook(storage: Storage | null, siteKey: string): SiteLook | null {
  try {
    return JSON.parse(storage?.getItem(`chatwidget:${siteKey}`) ?? '{}')?.look ?? null;
  } catch {
    return null;
  }
}
