import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../lib/AppError.js';
import { isImageKey, newImageKey } from './ImageStorage.js';
import { LocalImageStorage } from './localImageStorage.js';

const root = mkdtempSync(join(tmpdir(), 'chatwidget-local-images-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const webp = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    .webp()
    .toBuffer();

describe('newImageKey', () => {
  it('makes 128-bit random keys with the extension of the type', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => newImageKey('image/webp')));
    expect(keys.size).toBe(1000);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{32}\.webp$/);
    expect(newImageKey('image/jpeg')).toMatch(/\.jpg$/);
    expect(() => newImageKey('image/svg+xml')).toThrow();
  });

  it('accepts only its own shape as a key', () => {
    expect(isImageKey(newImageKey('image/png'))).toBe(true);
    for (const bad of ['../etc/passwd', `${'a'.repeat(32)}.svg`, `${'a'.repeat(32)}.webp/..`, `${'A'.repeat(32)}.webp`, ''])
      expect(isImageKey(bad)).toBe(false);
  });
});

describe('LocalImageStorage', () => {
  const storage = new LocalImageStorage({ dir: join(root, 'images') });

  it('writes the bytes under its folder and returns relative URLs by default', async () => {
    const data = await webp(400, 300);
    const key = newImageKey('image/webp');
    const stored = await storage.put({ key, data, mimeType: 'image/webp' });
    expect(stored).toEqual({ storage: 'local', key, url: `/images/${key}` });
    expect(await readFile(join(root, 'images', key))).toEqual(data);
    expect(storage.urls(stored)).toEqual({ url: `/images/${key}`, thumbnailUrl: `/images/${key}?w=320` });
    expect((await readdir(join(root, 'images'))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('reads the stored bytes back, 404 once deleted', async () => {
    const data = await webp(20, 20);
    const stored = await storage.put({ key: newImageKey('image/webp'), data, mimeType: 'image/webp' });
    expect(await storage.read(stored)).toEqual(data);
    await storage.delete(stored);
    await expect(storage.read(stored)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(storage.read({ ...stored, key: '../../etc/passwd' })).rejects.toMatchObject({ status: 404 });
  });

  it('returns absolute URLs under a base URL', async () => {
    const absolute = new LocalImageStorage({ dir: join(root, 'images'), baseUrl: 'https://chat.example.com/' });
    const key = newImageKey('image/webp');
    const stored = await absolute.put({ key, data: await webp(10, 10), mimeType: 'image/webp' });
    expect(absolute.urls(stored)).toEqual({
      url: `https://chat.example.com/images/${key}`,
      thumbnailUrl: `https://chat.example.com/images/${key}?w=320`,
    });
  });

  it('refuses keys that are not its own shape (no path traversal through put)', async () => {
    await expect(storage.put({ key: '../escape.webp', data: Buffer.from('x'), mimeType: 'image/webp' })).rejects.toThrow(
      /Invalid image key/,
    );
  });

  it('makes a variant once, never wider than the original, sharing concurrent first requests', async () => {
    const key = newImageKey('image/webp');
    await storage.put({ key, data: await webp(800, 400), mimeType: 'image/webp' });
    const paths = await Promise.all([
      storage.variantPath(key, 320),
      storage.variantPath(key, 320),
      storage.variantPath(key, 320),
    ]);
    expect(new Set(paths).size).toBe(1);
    const path = paths[0] as string;
    const meta = await sharp(path).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 160]);
    const firstWrite = (await stat(path)).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await storage.variantPath(key, 320)).toBe(path);
    expect((await stat(path)).mtimeMs).toBe(firstWrite);

    const wide = await storage.variantPath(key, 1024);
    expect((await sharp(wide).metadata()).width).toBe(800);
  });

  it('answers 400 for widths outside the fixed set and 404 for unknown keys', async () => {
    const key = newImageKey('image/webp');
    await storage.put({ key, data: await webp(50, 50), mimeType: 'image/webp' });
    await expect(storage.variantPath(key, 321)).rejects.toMatchObject({ status: 400, code: 'invalid_width' });
    await expect(storage.originalPath(newImageKey('image/webp'))).rejects.toMatchObject({ status: 404, code: 'not_found' });
    await expect(storage.variantPath(newImageKey('image/webp'), 320)).rejects.toBeInstanceOf(AppError);
    await expect(storage.originalPath('../../etc/passwd')).rejects.toMatchObject({ status: 404 });
  });

  it('deletes the original and its variants, and deleting twice is fine', async () => {
    const key = newImageKey('image/webp');
    const stored = await storage.put({ key, data: await webp(700, 700), mimeType: 'image/webp' });
    await storage.variantPath(key, 160);
    await storage.variantPath(key, 640);
    const stem = key.replace('.webp', '');
    expect((await readdir(join(root, 'images', 'variants'))).filter((name) => name.startsWith(stem))).toHaveLength(2);
    await storage.delete(stored);
    await storage.delete(stored);
    expect((await readdir(join(root, 'images'))).includes(key)).toBe(false);
    expect((await readdir(join(root, 'images', 'variants'))).filter((name) => name.startsWith(stem))).toEqual([]);
    await expect(storage.originalPath(key)).rejects.toMatchObject({ status: 404 });
  });
});
