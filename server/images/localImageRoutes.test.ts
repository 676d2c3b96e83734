import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../http/errorHandler.js';
import { startWebServer } from '../http/server.js';
import { createLogger } from '../lib/logger.js';
import { newImageKey } from './ImageStorage.js';
import { localImageRoutes } from './localImageRoutes.js';
import { LocalImageStorage } from './localImageStorage.js';
import { normalizeImage } from './normalizeImage.js';

// A dot-folder above the data folder must not trip the static sender's dotfile guard.
const root = mkdtempSync(join(tmpdir(), '.chatwidget-image-routes-'));
const dir = join(root, 'images');

const app = express();
app.set('query parser', 'simple');
let storage = new LocalImageStorage({ dir });
app.use(localImageRoutes(storage));
app.use(notFoundHandler);
app.use(errorHandler(createLogger('silent')));
const web = await startWebServer(app, 0);
storage = new LocalImageStorage({ dir, baseUrl: web.url });
afterAll(async () => {
  await web.stop(100);
  rmSync(root, { recursive: true, force: true });
});

async function storeImage(width: number, height: number) {
  const source = await sharp({
    create: { width, height, channels: 3, background: '#48c', noise: { type: 'gaussian', mean: 100, sigma: 30 } },
  })
    .jpeg()
    .toBuffer();
  const image = await normalizeImage(source);
  const stored = await storage.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType });
  return { image, stored, ...storage.urls(stored) };
}

const expectSafeImageHeaders = (response: Response) => {
  expect(response.headers.get('content-type')).toBe('image/webp');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
};

describe('localImageRoutes', () => {
  it('serves the original with its type, nosniff, a locked-down CSP and immutable caching', async () => {
    const { image, url } = await storeImage(900, 600);
    expect(url.startsWith(`${web.url}/images/`)).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expectSafeImageHeaders(response);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(image.data);
  });

  it('serves resized variants from the fixed set, generated once and cached on disk', async () => {
    const { stored, thumbnailUrl, url } = await storeImage(1200, 800);
    expect(thumbnailUrl).toBe(`${url}?w=320`);
    const first = await fetch(thumbnailUrl);
    expect(first.status).toBe(200);
    expectSafeImageHeaders(first);
    const thumbnail = Buffer.from(await first.arrayBuffer());
    const meta = await sharp(thumbnail).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 213]);
    expect(await readdir(join(dir, 'variants'))).toContain(stored.key.replace('.webp', '.w320.webp'));
    const again = Buffer.from(await (await fetch(thumbnailUrl)).arrayBuffer());
    expect(again).toEqual(thumbnail);

    for (const width of [160, 640, 1024]) {
      const response = await fetch(`${url}?w=${width}`);
      expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).width).toBe(width);
    }
  });

  it('rejects other widths with 400 in the error shape', async () => {
    const { url } = await storeImage(100, 100);
    for (const query of ['w=321', 'w=0', 'w=abc', 'w=320&w=640', 'w=99999999']) {
      const response = await fetch(`${url}?${query}`);
      expect(response.status, query).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: 'invalid_width', message: 'w must be one of 160, 320, 640, 1024' },
      });
    }
  });

  it('answers 404 in the error shape for unknown keys and any path trickery', async () => {
    for (const path of [
      `/images/${newImageKey('image/webp')}`,
      `/images/${newImageKey('image/webp')}?w=320`,
      '/images/..%2F..%2Fetc%2Fpasswd',
      '/images/%2e%2e',
      '/images/variants',
      '/images/.hidden.webp',
    ]) {
      const response = await fetch(web.url + path);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    }
  });

  it('does not serve a variant file by its own name', async () => {
    const { stored } = await storeImage(500, 500);
    await fetch(`${web.url}/images/${stored.key}?w=160`);
    const response = await fetch(`${web.url}/images/${stored.key.replace('.webp', '.w160.webp')}`);
    expect(response.status).toBe(404);
  });
});
