import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errorHandler.js';
import { startWebServer } from '../http/server.js';
import { AppError } from '../lib/AppError.js';
import { createLogger } from '../lib/logger.js';
import { startFakeImageKit } from '../test/fakeImageKit.js';
import { pngClaiming } from '../test/fixtures/images/pngClaiming.js';
import type { ImageStorage } from './ImageStorage.js';
import { ImageKitImageStorage } from './imagekitImageStorage.js';
import { localImageRoutes } from './localImageRoutes.js';
import { LocalImageStorage } from './localImageStorage.js';
import { readUpload } from './readUpload.js';
import { receiveImage } from './receiveImage.js';

const root = mkdtempSync(join(tmpdir(), 'chatwidget-receive-image-'));
const fake = await startFakeImageKit();
const local = new LocalImageStorage({ dir: join(root, 'images') });
const imagekit = new ImageKitImageStorage({
  privateKey: fake.privateKey,
  urlEndpoint: fake.urlEndpoint,
  baseURL: fake.baseURL,
  maxRetries: 0,
});

// A stand-in for the real route: the same calls POST /v1/widget/images makes (read the body, then receive), with a
// quota-like check.
const app = express();
app.use(localImageRoutes(local));
for (const storage of [local, imagekit] as ImageStorage[])
  app.post(`/upload/${storage.name}`, async (req, res) => {
    const received = await receiveImage(await readUpload(req), {
      storage,
      tags: ['site_1'],
      accept: (image, fields) => {
        if (fields.conversationId === 'unknown') throw new AppError(404, 'not_found', 'Conversation not found');
        if (image.bytes > 3_000_000) throw new AppError(413, 'quota_exceeded', 'Image quota exceeded');
      },
    });
    res.status(201).json(received);
  });
app.use(errorHandler(createLogger('silent')));
const web = await startWebServer(app, 0);
local.baseUrl = web.url;

afterAll(async () => {
  await web.stop(100);
  await fake.stop();
  rmSync(root, { recursive: true, force: true });
});

const storedCount = async (name: string) =>
  name === 'local'
    ? (await readdir(join(root, 'images')).catch(() => [])).filter((f) => f !== 'variants').length
    : fake.files.size;

async function upload(name: string, files: { data: Uint8Array; filename: string; type: string }[], fields = {}) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value as string);
  for (const file of files) form.append('file', new Blob([file.data], { type: file.type }), file.filename);
  const response = await fetch(`${web.url}/upload/${name}`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string } } };
}

const noisyJpeg = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#777', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
    .jpeg()
    .toBuffer();
const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>');
const jpeg = await noisyJpeg(200, 150);
const bombHeader = pngClaiming(50_000, 50_000);

describe.each(['local', 'imagekit'])('receiveImage with %s storage: the attack corpus stores nothing', (name) => {
  it.each([
    {
      case: 'SVG with a script',
      files: [{ data: svg, filename: 'cat.svg', type: 'image/svg+xml' }],
      status: 415,
      code: 'unsupported_image_type',
    },
    {
      case: 'SVG declared image/png (spoofed Content-Type)',
      files: [{ data: svg, filename: 'cat.png', type: 'image/png' }],
      status: 415,
      code: 'unsupported_image_type',
    },
    {
      case: 'HTML renamed .png',
      files: [{ data: html, filename: 'cat.png', type: 'image/png' }],
      status: 415,
      code: 'unsupported_image_type',
    },
    {
      case: 'HTML-first JPEG polyglot',
      files: [{ data: Buffer.concat([html, jpeg]), filename: 'x.jpg', type: 'image/jpeg' }],
      status: 415,
      code: 'unsupported_image_type',
    },
    {
      case: 'PDF named .jpg',
      files: [{ data: Buffer.from('%PDF-1.4\n%%EOF\n'), filename: 'x.jpg', type: 'image/jpeg' }],
      status: 415,
      code: 'unsupported_image_type',
    },
    {
      case: 'a PNG claiming 50000×50000 px',
      files: [{ data: bombHeader, filename: 'bomb.png', type: 'image/png' }],
      status: 422,
      code: 'image_too_large',
    },
    {
      case: 'a truncated JPEG',
      files: [{ data: jpeg.subarray(0, jpeg.length >> 1), filename: 't.jpg', type: 'image/jpeg' }],
      status: 422,
      code: 'corrupt_image',
    },
    {
      case: 'zero bytes',
      files: [{ data: new Uint8Array(0), filename: 'empty.png', type: 'image/png' }],
      status: 400,
      code: 'empty_file',
    },
    {
      case: '11 MB',
      files: [{ data: new Uint8Array(11 * 1024 * 1024), filename: 'big.jpg', type: 'image/jpeg' }],
      status: 413,
      code: 'payload_too_large',
    },
    {
      case: 'two files in one request',
      files: [
        { data: jpeg, filename: 'a.jpg', type: 'image/jpeg' },
        { data: jpeg, filename: 'b.jpg', type: 'image/jpeg' },
      ],
      status: 400,
      code: 'too_many_files',
    },
  ])('$case → $status $code', async ({ files, status, code }) => {
    const before = await storedCount(name);
    const result = await upload(name, files);
    expect(result).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
    expect(await storedCount(name)).toBe(before);
  });

  it('stores nothing when the final check throws', async () => {
    const before = await storedCount(name);
    const result = await upload(name, [{ data: jpeg, filename: 'a.jpg', type: 'image/jpeg' }], { conversationId: 'unknown' });
    expect(result.status).toBe(404);
    expect(await storedCount(name)).toBe(before);
  });
});

describe.each(['local', 'imagekit'])('receiveImage with %s storage: accepted images', (name) => {
  it('takes the type from the bytes whatever the name and declared type, and stores a WebP', async () => {
    const png = await sharp({ create: { width: 64, height: 48, channels: 4, background: '#f008' } })
      .png()
      .toBuffer();
    const result = await upload(name, [{ data: png, filename: 'holiday.jpg', type: 'text/html' }], { conversationId: 'c1' });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ mimeType: 'image/webp', width: 64, height: 48, fields: { conversationId: 'c1' } });
    const urls = result.body.urls as { url: string; thumbnailUrl: string };
    const served = await fetch(urls.url);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).format).toBe('webp');
  });

  it('rotates by EXIF orientation and removes GPS, as read back from storage', async () => {
    const photo = await sharp(await noisyJpeg(600, 200))
      .withExif({ IFD0: { Make: 'AcmeCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' } })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    expect((await sharp(photo).metadata()).exif?.toString('latin1')).toContain('AcmeCam');
    const result = await upload(name, [{ data: photo, filename: 'IMG_0001.JPG', type: 'image/jpeg' }]);
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      width: 200,
      height: 600,
      bytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const urls = result.body.urls as { url: string; thumbnailUrl: string };
    const stored = Buffer.from(await (await fetch(urls.url)).arrayBuffer());
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.exif, meta.orientation]).toEqual([200, 600, undefined, undefined]);
    // No EXIF/XMP chunk and none of the camera's strings (short needles like "GPS" occur by chance in compressed data).
    for (const marker of ['AcmeCam', 'EXIF', 'Exif\x00\x00', 'XMP ']) expect(stored.toString('latin1')).not.toContain(marker);
    expect(stored.length).toBe(result.body.bytes);

    const thumbnail = await sharp(Buffer.from(await (await fetch(urls.thumbnailUrl)).arrayBuffer())).metadata();
    expect(thumbnail.width).toBeLessThanOrEqual(320);
  });

  it('stores a JPEG with HTML appended as a clean re-encoded image', async () => {
    const result = await upload(name, [{ data: Buffer.concat([jpeg, html]), filename: 'x.jpg', type: 'image/jpeg' }]);
    expect(result.status).toBe(201);
    const urls = result.body.urls as { url: string };
    const stored = Buffer.from(await (await fetch(urls.url)).arrayBuffer());
    expect(stored.toString('latin1')).not.toMatch(/<script|<html/i);
  });
});
