/**
 * The one URL allow-list, for every URL that comes from visitors, models or admins: absolute `http:`, `https:` and
 * `mailto:` URLs only. Anything else (`javascript:`, `data:`, `vbscript:`, relative) gives null.
 */
export function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    return /^(https?|mailto):$/.test(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** The same, plus a same-origin path such as `/images/abc.webp` (never a protocol-relative `//host`): image sources. */
export const safeSrc = (raw: string): string | null => (/^\/(?![/\\])/.test(raw.trim()) ? raw.trim() : safeUrl(raw));
