/**
 * On phones the panel is full screen; following `visualViewport` keeps the composer above the on-screen keyboard.
 * Sets `--cw-vh` and `--cw-top` on the element; returns the cleanup.
 */
export function followViewport(el: HTMLElement): () => void {
  const vv = window.visualViewport;
  if (!vv) return () => {};
  const update = () => {
    el.style.setProperty('--cw-vh', `${vv.height}px`);
    el.style.setProperty('--cw-top', `${vv.offsetTop}px`);
  };
  update();
  vv.addEventListener('resize', update);
  vv.addEventListener('scroll', update);
  return () => {
    vv.removeEventListener('resize', update);
    vv.removeEventListener('scroll', update);
  };
}
