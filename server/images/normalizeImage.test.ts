import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/AppError.js';
import { pngClaiming } from '../test/fixtures/images/pngClaiming.js';
import { normalizeImage, toModelImage } from './normalizeImage.js';

const solid = (width: number, height: number, background = '#c33', channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } });

/** A real-looking photo: noise compresses badly, so sizes and resizes are meaningful. */
const noisy = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#888', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const { status, code } = error as AppError;
  return { status, code };
}

describe('normalizeImage: accepted images', () => {
  it('re-encodes a JPEG as WebP and reports its size, dimensions and hash', async () => {
    const input = await noisy(800, 600).jpeg().toBuffer();
    const out = await normalizeImage(input);
    expect(out).toMatchObject({ mimeType: 'image/webp', width: 800, height: 600, bytes: out.data.length });
    expect(out.sha256).toBe(createHash('sha256').update(out.data).digest('hex'));
    const meta = await sharp(out.data).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 800, 600]);
  });

  it('caps the long side at 2048 px, keeping the aspect ratio', async () => {
    const out = await normalizeImage(await solid(4000, 3000).png().toBuffer());
    expect([out.width, out.height]).toEqual([2048, 1536]);
    const tall = await normalizeImage(await solid(1000, 5000).jpeg().toBuffer(), { maxSide: 1000 });
    expect([tall.width, tall.height]).toEqual([200, 1000]);
  });

  it('keeps transparency of a PNG with alpha', async () => {
    const out = await normalizeImage(await solid(64, 64, '#00f8', 4).png().toBuffer());
    expect((await sharp(out.data).metadata()).hasAlpha).toBe(true);
  });

  it('takes the first frame of an animated GIF', async () => {
    const red = await solid(20, 10, '#f00').png().toBuffer();
    const blue = await solid(20, 10, '#00f').png().toBuffer();
    const gif = await sharp([red, blue], { join: { animated: true } })
      .gif({ delay: [100, 100] })
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(2);
    const out = await normalizeImage(gif);
    expect([out.width, out.height]).toEqual([20, 10]);
    const meta = await sharp(out.data).metadata();
    expect(meta.pages ?? 1).toBe(1);
    const { dominant } = await sharp(out.data).stats();
    expect(dominant.r).toBeGreaterThan(200);
    expect(dominant.b).toBeLessThan(50);
  });

  it('accepts WebP and AVIF', async () => {
    expect((await normalizeImage(await solid(30, 20).webp().toBuffer())).width).toBe(30);
    expect((await normalizeImage(await solid(32, 24).avif().toBuffer())).height).toBe(24);
  });

  it('applies the EXIF orientation and strips all metadata, GPS included', async () => {
    const input = await noisy(300, 100)
      .jpeg()
      .withExif({
        IFD0: { Make: 'AcmeCam', Model: 'Spy-1' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
      })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const before = await sharp(input).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.toString('latin1')).toContain('AcmeCam');
    // The GPS IFD pointer (tag 0x8825, little-endian) is there before.
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    const out = await normalizeImage(input);
    // Orientation 6 is "rotate 90° clockwise": stored 300×100 displays as 100×300.
    expect([out.width, out.height]).toEqual([100, 300]);
    const after = await sharp(out.data).metadata();
    expect(after.orientation).toBeUndefined();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.icc).toBeUndefined();
    const raw = out.data.toString('latin1');
    // WebP keeps metadata in EXIF/XMP chunks; short needles like "GPS" would match compressed noise by chance.
    for (const marker of ['EXIF', 'Exif\x00\x00', 'XMP ', 'AcmeCam', 'Spy-1']) expect(raw).not.toContain(marker);
  });

  it('trusts the bytes, not a name or declared type: a GIF is a GIF whatever it was called', async () => {
    // normalizeImage never sees the name or Content-Type; this pins that a mislabelled real image still works.
    const out = await normalizeImage(await solid(12, 12).gif().toBuffer());
    expect(out.mimeType).toBe('image/webp');
  });

  it('neutralises a JPEG with HTML appended: the payload does not survive re-encoding', async () => {
    const jpeg = await noisy(64, 64).jpeg().toBuffer();
    const polyglot = Buffer.concat([jpeg, Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]);
    const out = await normalizeImage(polyglot);
    expect(out.mimeType).toBe('image/webp');
    expect(out.data.toString('latin1')).not.toMatch(/<script|<html/i);
  });
});

describe('normalizeImage: the attack corpus', () => {
  const html = Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>');

  it.each([
    ['SVG with a script', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['SVG with an XML prolog', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ['HTML renamed .png', html],
    ['PDF', Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')],
    ['random bytes', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31 + 7) % 251))],
    ['zero bytes', Buffer.alloc(0)],
  ])('rejects %s with 415 unsupported_image_type', async (_name, input) => {
    expect(await rejection(normalizeImage(input))).toEqual({ status: 415, code: 'unsupported_image_type' });
  });

  it('rejects an HTML-first JPEG polyglot with 415 (a browser would sniff it as HTML)', async () => {
    const jpeg = await noisy(32, 32).jpeg().toBuffer();
    expect(await rejection(normalizeImage(Buffer.concat([html, jpeg])))).toEqual({
      status: 415,
      code: 'unsupported_image_type',
    });
  });

  it('rejects image formats outside the allow-list even when the library could decode them (TIFF)', async () => {
    expect(await rejection(normalizeImage(await solid(16, 16).tiff().toBuffer()))).toEqual({
      status: 415,
      code: 'unsupported_image_type',
    });
  });

  it('rejects a PNG claiming 50000×50000 px with 422 image_too_large, from the header alone', async () => {
    const bomb = pngClaiming(50_000, 50_000);
    expect((await sharp(bomb, { limitInputPixels: false }).metadata()).width).toBe(50_000);
    const started = performance.now();
    expect(await rejection(normalizeImage(bomb))).toEqual({ status: 422, code: 'image_too_large' });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('applies a custom pixel limit', async () => {
    const input = await solid(200, 200).png().toBuffer();
    expect(await rejection(normalizeImage(input, { maxPixels: 39_999 }))).toEqual({ status: 422, code: 'image_too_large' });
    expect((await normalizeImage(input, { maxPixels: 40_000 })).width).toBe(200);
  });

  it('rejects a truncated JPEG with 422 corrupt_image', async () => {
    const jpeg = await noisy(400, 300).jpeg().toBuffer();
    expect(await rejection(normalizeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).toEqual({
      status: 422,
      code: 'corrupt_image',
    });
  });

  it('rejects a truncated PNG and a PNG with a broken header CRC with 422 corrupt_image', async () => {
    const png = await noisy(300, 300).png().toBuffer();
    expect(await rejection(normalizeImage(png.subarray(0, Math.floor(png.length / 2))))).toEqual({
      status: 422,
      code: 'corrupt_image',
    });
    expect((await normalizeImage(pngClaiming(1, 1))).width).toBe(1);
    const badCrc = Buffer.from(pngClaiming(1, 1));
    badCrc[29] = (badCrc[29] ?? 0) ^ 0xff; // last byte of the IHDR CRC
    expect(await rejection(normalizeImage(badCrc))).toEqual({ status: 422, code: 'corrupt_image' });
  });
});

describe('toModelImage', () => {
  it('downsizes to 1024 px as JPEG, flattening transparency', async () => {
    const stored = await normalizeImage(await solid(2048, 1536, '#00f0', 4).png().toBuffer());
    const model = await toModelImage(stored.data);
    expect(model).toMatchObject({ mimeType: 'image/jpeg', width: 1024, height: 768 });
    const meta = await sharp(model.data).metadata();
    expect([meta.format, meta.width, meta.height, meta.hasAlpha]).toEqual(['jpeg', 1024, 768, false]);
    // Fully transparent pixels become white, not black.
    const { dominant } = await sharp(model.data).stats();
    expect(dominant.r).toBeGreaterThan(240);
  });

  it('leaves small images at their size', async () => {
    const model = await toModelImage(await solid(300, 200).webp().toBuffer());
    expect([model.width, model.height]).toEqual([300, 200]);
  });
});
