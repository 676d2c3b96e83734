/** Locks the host page's scroll while the full-screen (phone) panel is open; returns the unlock. */
export function lockPageScroll(): () => void {
  const style = document.documentElement.style;
  const before = style.overflow;
  style.overflow = 'hidden';
  return () => {
    style.overflow = before;
  };
}
