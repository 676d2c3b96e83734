/** The one URL allow-list: absolute http(s) and mailto links only; anything else (javascript:, data:, relative) is refused. */
export function safeUrl(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}
