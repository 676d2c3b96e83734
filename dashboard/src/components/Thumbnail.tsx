import { safeUrl } from '../lib/safeUrl.js';

/** An image thumbnail whose URL passed the allow-list; nothing otherwise. */
export function Thumbnail({ src, alt, size = 56 }: { src: string | null; alt: string; size?: number }) {
  const url = src ? safeUrl(src) : null;
  if (!url) return null;
  return <img className="thumb" src={url} alt={alt} width={size} height={size} loading="lazy" decoding="async" />;
}
