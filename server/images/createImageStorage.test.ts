import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { startFakeImageKit } from '../test/fakeImageKit.js';
import { createImageStorage } from './createImageStorage.js';
import { newImageKey } from './ImageStorage.js';
import { ImageKitImageStorage } from './imagekitImageStorage.js';
import { LocalImageStorage } from './localImageStorage.js';

const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-create-storage-'));
const fake = await startFakeImageKit();
afterAll(async () => {
  await fake.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('createImageStorage', () => {
  it('defaults to local storage under DATA_DIR/images', async () => {
    const storage = createImageStorage(loadConfig({ DATA_DIR: dataDir }));
    expect(storage).toBeInstanceOf(LocalImageStorage);
    expect(storage.name).toBe('local');
    const key = newImageKey('image/webp');
    const stored = await storage.put({ key, data: Buffer.from('bytes'), mimeType: 'image/webp' });
    expect(await readFile(join(dataDir, 'images', key), 'utf8')).toBe('bytes');
    expect(stored.url).toBe(`/images/${key}`);
  });

  it('puts PUBLIC_URL (or an explicit base URL) in front of local URLs', () => {
    const config = loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: 'https://chat.example.com' });
    const stored = { storage: 'local' as const, key: newImageKey('image/webp'), url: '' };
    expect(createImageStorage(config).urls(stored).url).toBe(`https://chat.example.com/images/${stored.key}`);
    expect(createImageStorage(config, { baseUrl: 'http://127.0.0.1:4000' }).urls(stored).url).toBe(
      `http://127.0.0.1:4000/images/${stored.key}`,
    );
  });

  it('chooses ImageKit when the private key and URL endpoint are set, with IMAGEKIT_BASE_URL as the API base', async () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      IMAGEKIT_PRIVATE_KEY: fake.privateKey,
      IMAGEKIT_URL_ENDPOINT: fake.urlEndpoint,
      IMAGEKIT_BASE_URL: fake.baseURL,
    });
    const storage = createImageStorage(config, { maxRetries: 0 });
    expect(storage).toBeInstanceOf(ImageKitImageStorage);
    expect(storage.name).toBe('imagekit');
    const stored = await storage.put({ key: newImageKey('image/webp'), data: Buffer.from('bytes'), mimeType: 'image/webp' });
    expect(fake.files.get(stored.providerFileId ?? '')?.data.toString()).toBe('bytes');
  });
});
