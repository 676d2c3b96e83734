import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeImageKit } from '../test/fakeImageKit.js';
import { newImageKey } from './ImageStorage.js';
import { ImageKitImageStorage } from './imagekitImageStorage.js';
import { normalizeImage } from './normalizeImage.js';

const fake = await startFakeImageKit();
afterAll(() => fake.stop());

const options = { privateKey: fake.privateKey, urlEndpoint: fake.urlEndpoint, baseURL: fake.baseURL, maxRetries: 0 };
const storage = new ImageKitImageStorage(options);

const image = await normalizeImage(
  await sharp({ create: { width: 1000, height: 750, channels: 3, background: '#2a6' } })
    .jpeg()
    .toBuffer(),
);

const bytesOf = async (url: string) => {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
};

describe('ImageKitImageStorage (real SDK against the fake)', () => {
  it('uploads under its folder with our key, and the URL returns the same bytes', async () => {
    const key = newImageKey(image.mimeType);
    const stored = await storage.put({ key, data: image.data, mimeType: image.mimeType, tags: ['site_1'] });
    expect(stored).toEqual({
      storage: 'imagekit',
      key: `chatwidget/${key}`,
      url: `${fake.urlEndpoint}/chatwidget/${key}`,
      providerFileId: expect.stringMatching(/^[0-9a-f]{24}$/),
    });
    expect(fake.requests.at(-1)?.fields).toMatchObject({
      fileName: key,
      folder: '/chatwidget',
      useUniqueFileName: 'false',
      isPrivateFile: 'false',
      tags: 'site_1',
    });
    expect(await bytesOf(stored.url)).toEqual(image.data);
  });

  it('builds thumbnail URLs with ImageKit transformations', async () => {
    const stored = await storage.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType });
    const urls = storage.urls(stored);
    expect(urls.url).toBe(stored.url);
    expect(urls.thumbnailUrl).toBe(`${stored.url}?tr=w-320,f-auto,q-80`);
    const meta = await sharp(await bytesOf(urls.thumbnailUrl)).metadata();
    expect([meta.width, meta.height]).toEqual([320, 240]);
  });

  it('reads the stored bytes back through delivery, 404 once deleted', async () => {
    const stored = await storage.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType });
    expect(await storage.read(stored)).toEqual(image.data);
    await storage.delete(stored);
    await expect(storage.read(stored)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('deletes by file id; the URL then 404s and deleting again is fine', async () => {
    const stored = await storage.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType });
    await storage.delete(stored);
    expect(fake.files.has(stored.providerFileId ?? '')).toBe(false);
    expect((await fetch(stored.url)).status).toBe(404);
    await expect(storage.delete(stored)).resolves.toBeUndefined();
  });

  it('with private delivery, uploads private files and hands out signed URLs that stay the same within a window', async () => {
    const privateStorage = new ImageKitImageStorage({ ...options, privateDelivery: true, urlTtlSeconds: 600 });
    const stored = await privateStorage.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType });
    expect(fake.requests.at(-1)?.fields?.isPrivateFile).toBe('true');
    expect(stored.url).toBe(`${fake.urlEndpoint}/${stored.key}`);
    expect((await fetch(`${fake.urlEndpoint}/${stored.key}`)).status).toBe(401);

    const urls = privateStorage.urls(stored);
    expect(urls.url).toMatch(/\?ik-t=\d+&ik-s=[0-9a-f]{40}$/);
    expect(urls.thumbnailUrl).toMatch(/\?tr=w-320,f-auto,q-80&ik-t=\d+&ik-s=[0-9a-f]{40}$/);
    const expiry = Number(/ik-t=(\d+)/.exec(urls.url)?.[1]);
    const now = Date.now() / 1000;
    expect(expiry - now).toBeGreaterThan(600);
    expect(expiry - now).toBeLessThanOrEqual(1200);
    expect(expiry % 600).toBe(0);
    expect(privateStorage.urls(stored)).toEqual(urls);

    expect(await bytesOf(urls.url)).toEqual(image.data);
    expect((await sharp(await bytesOf(urls.thumbnailUrl)).metadata()).width).toBe(320);
    expect(await privateStorage.read(stored)).toEqual(image.data);
  });

  it('turns ImageKit failures into 503 image_storage_unavailable and stores nothing', async () => {
    const before = fake.files.size;
    fake.failNextUploads(1, 500);
    await expect(
      storage.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType }),
    ).rejects.toMatchObject({ status: 503, code: 'image_storage_unavailable', retryAfterSeconds: 5 });
    const wrongKey = new ImageKitImageStorage({ ...options, privateKey: 'private_wrong' });
    await expect(
      wrongKey.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType }),
    ).rejects.toMatchObject({ status: 503, code: 'image_storage_unavailable' });
    expect(fake.files.size).toBe(before);
  });

  it('reports an unreachable ImageKit (API or delivery) as 503', async () => {
    const down = new ImageKitImageStorage({ ...options, baseURL: 'http://127.0.0.1:9', timeoutMs: 2000 });
    await expect(
      down.put({ key: newImageKey(image.mimeType), data: image.data, mimeType: image.mimeType }),
    ).rejects.toMatchObject({ status: 503, code: 'image_storage_unavailable' });
    const offline = new ImageKitImageStorage({ ...options, urlEndpoint: 'http://127.0.0.1:9/x', timeoutMs: 2000 });
    await expect(offline.read({ storage: 'imagekit', key: 'chatwidget/a.webp', url: '' })).rejects.toMatchObject({
      status: 503,
      code: 'image_storage_unavailable',
    });
  });
});
