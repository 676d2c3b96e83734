import { safeSrc } from '../../../contract/safeUrl.js';

/** An image thumbnail whose URL passed the allow-list; nothing otherwise. */
export function Thumbnail({ src, alt, size = 56 }: { src: string | null; alt: string; size?: number }) {
  const url = src ? safeSrc(src) : null;
  if (!url) return null;
  return <img className="thumb" src={url} alt={alt} width={size} height={size} loading="lazy" decoding="async" />;
}
