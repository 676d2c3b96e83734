const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The one protocol allow-list for URLs that come from visitors, models or admins:
 * http(s) and mailto, or a same-origin path. Anything else (javascript:, data:, vbscript:…) gives `null`.
 */
export function safeUrl(raw: string, base = 'https://invalid.example/'): string | null {
  const value = raw.trim();
  if (value === '') return null;
  // A same-origin path such as /uploads/abc.webp, but not a protocol-relative //host.
  if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) return value;
  try {
    const url = new URL(value, base);
    if (!ALLOWED_PROTOCOLS.has(url.protocol)) return null;
    if (!/^(https?|mailto):/i.test(value)) return null;
    return url.href;
  } catch {
    return null;
  }
}
