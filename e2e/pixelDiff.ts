import sharp from 'sharp';

/**
 * The share of pixels (0…1) that differ between two same-sized PNGs by more than `threshold` in any channel.
 * `inside(x, y, width, height)` limits the comparison to a region (e.g. a round launcher inside its square box).
 */
export async function pixelDiff(
  a: Buffer,
  b: Buffer,
  {
    threshold = 24,
    inside = () => true,
  }: { threshold?: number; inside?: (x: number, y: number, w: number, h: number) => boolean } = {},
): Promise<number> {
  const [left, right] = await Promise.all(
    [a, b].map((png) => sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true })),
  );
  const { width, height } = left!.info;
  if (width !== right!.info.width || height !== right!.info.height)
    throw new Error(`sizes differ: ${width}×${height} vs ${right!.info.width}×${right!.info.height}`);
  let compared = 0;
  let differing = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y, width, height)) continue;
      compared++;
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        if (Math.abs(left!.data[i + c]! - right!.data[i + c]!) > threshold) {
          differing++;
          break;
        }
      }
    }
  }
  return compared ? differing / compared : 0;
}

/** Inside the circle inscribed in the box, a little inset so anti-aliased edges over different backgrounds don't count. */
export const inCircle =
  (inset = 3) =>
  (x: number, y: number, w: number, h: number) =>
    (x + 0.5 - w / 2) ** 2 + (y + 0.5 - h / 2) ** 2 <= (Math.min(w, h) / 2 - inset) ** 2;

/** Inside the box less its rounded corners (radius `r`), so what shows through the corners doesn't count. */
export const inRoundedBox = (r: number) => (x: number, y: number, w: number, h: number) => {
  const dx = Math.max(r - x - 0.5, x + 0.5 - (w - r), 0);
  const dy = Math.max(r - y - 0.5, y + 0.5 - (h - r), 0);
  return dx * dx + dy * dy <= (r - 1) * (r - 1);
};
