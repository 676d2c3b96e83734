/**
 * Line icons as inline SVG: emoji depend on the visitor's fonts (tofu boxes on systems without an emoji font) and
 * take the page's text colour; these draw the same everywhere, in the button's colour.
 */
const PATHS = {
  attach: 'M21.4 11 12.3 20.2a6 6 0 0 1-8.5-8.5L13 2.5a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5',
  thumb: 'M14 9V5a3 3 0 0 0-3-3l-4 9v11h11.3a2 2 0 0 0 2-1.7l1.4-9a2 2 0 0 0-2-2.3zM7 22H4a2 2 0 0 1-2-2v-7a2 2 0 0 1 2-2h3',
};

export function Icon({ name, flip }: { name: keyof typeof PATHS; flip?: boolean }) {
  return (
    <svg class={flip ? 'ico flip' : 'ico'} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} />
    </svg>
  );
}
