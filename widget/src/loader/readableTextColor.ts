const channel = (hex: string, at: number) => {
  const c = Number.parseInt(hex.slice(at, at + 2), 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex: string) => 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** White or near-black text on an accent colour (`#rrggbb`), whichever contrasts more (WCAG relative luminance). */
export function readableTextColor(accent: string): '#ffffff' | '#111111' {
  const l = luminance(accent);
  return contrast(l, 1) >= contrast(l, luminance('#111111')) ? '#ffffff' : '#111111';
}
