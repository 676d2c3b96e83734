import ImageKit, { AuthenticationError, BadRequestError, InternalServerError, NotFoundError, toFile } from '@imagekit/nodejs';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeImageKit } from './fakeImageKit.js';

const fake = await startFakeImageKit({ privateKey: 'private_test_key' });
afterAll(() => fake.stop());
const client = new ImageKit({ privateKey: fake.privateKey, baseURL: fake.baseURL, maxRetries: 0 });

const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#e91' } })
  .png()
  .toBuffer();

describe('fake ImageKit through the real SDK', () => {
  it('uploads multipart with the form fields ImageKit documents and answers its JSON', async () => {
    const result = await client.files.upload({
      file: await toFile(png, 'photo.png', { type: 'image/png' }),
      fileName: 'photo.png',
      folder: '/chat/uploads/',
      useUniqueFileName: false,
      tags: ['site-1', 'visitor-2'],
    });
    expect(result).toMatchObject({
      name: 'photo.png',
      filePath: '/chat/uploads/photo.png',
      url: `${fake.urlEndpoint}/chat/uploads/photo.png`,
      thumbnailUrl: `${fake.urlEndpoint}/tr:n-ik_ml_thumbnail/chat/uploads/photo.png`,
      width: 640,
      height: 480,
      size: png.length,
      fileType: 'image',
      isPrivateFile: false,
      tags: ['site-1', 'visitor-2'],
    });
    expect(result.fileId).toMatch(/^[0-9a-f]{24}$/);
    const request = fake.requests.at(-1);
    expect(request?.url).toBe('/api/v1/files/upload');
    expect(request?.fields).toMatchObject({
      fileName: 'photo.png',
      folder: '/chat/uploads/',
      useUniqueFileName: 'false',
      tags: 'site-1,visitor-2',
    });

    const served = await fetch(result.url ?? '');
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
  });

  it('makes names unique unless told not to', async () => {
    const result = await client.files.upload({ file: await toFile(png, 'a.png'), fileName: 'a.png' });
    expect(result.name).toMatch(/^a_[0-9a-f]{10}\.png$/);
    expect(result.filePath).toBe(`/${result.name}`);
  });

  it('serves ImageKit width transformations built by the SDK helper', async () => {
    const { filePath } = await client.files.upload({ file: await toFile(png, 'w.png'), fileName: 'w.png' });
    const src = client.helper.buildSrc({ urlEndpoint: fake.urlEndpoint, src: filePath ?? '', transformation: [{ width: 160 }] });
    expect(src).toBe(`${fake.urlEndpoint}${filePath}?tr=w-160`);
    const resized = Buffer.from(await (await fetch(src)).arrayBuffer());
    expect((await sharp(resized).metadata()).width).toBe(160);
  });

  it('requires a valid signature for private files', async () => {
    const { filePath } = await client.files.upload({
      file: await toFile(png, 'secret.png'),
      fileName: 'secret.png',
      isPrivateFile: true,
    });
    const unsigned = client.helper.buildSrc({ urlEndpoint: fake.urlEndpoint, src: filePath ?? '' });
    expect((await fetch(unsigned)).status).toBe(401);
    const signed = client.helper.buildSrc({
      urlEndpoint: fake.urlEndpoint,
      src: filePath ?? '',
      transformation: [{ width: 100 }],
      signed: true,
      expiresIn: 300,
    });
    expect(signed).toMatch(/\?tr=w-100&ik-t=\d+&ik-s=[0-9a-f]{40}$/);
    const ok = await fetch(signed);
    expect(ok.status).toBe(200);
    expect((await sharp(Buffer.from(await ok.arrayBuffer())).metadata()).width).toBe(100);
    const tampered = signed.replace(/ik-s=([0-9a-f])/, (_m, c: string) => `ik-s=${c === '0' ? '1' : '0'}`);
    expect((await fetch(tampered)).status).toBe(401);
    expect((await fetch(signed.replace('w-100', 'w-101'))).status).toBe(401);
  });

  it('rejects a wrong private key with 401 {message, help}', async () => {
    const wrong = new ImageKit({ privateKey: 'private_wrong', baseURL: fake.baseURL, maxRetries: 0 });
    const error = await wrong.files.upload({ file: await toFile(png, 'x.png'), fileName: 'x.png' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).error).toEqual({
      message: 'Your account cannot be authenticated.',
      help: expect.any(String),
    });
  });

  it('rejects an upload without fileName with 400', async () => {
    const error = await client.files.upload({ file: await toFile(png, 'x.png'), fileName: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain('Missing fileName parameter for upload');
  });

  it('fails scripted uploads before storing anything', async () => {
    const before = fake.files.size;
    fake.failNextUploads(1, 500);
    const error = await client.files.upload({ file: await toFile(png, 'f.png'), fileName: 'f.png' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(fake.files.size).toBe(before);
    await client.files.upload({ file: await toFile(png, 'f.png'), fileName: 'f.png' });
    expect(fake.files.size).toBe(before + 1);
  });

  it('deletes by fileId with 204, then 404s for it and for its URL', async () => {
    const { fileId, url } = await client.files.upload({ file: await toFile(png, 'd.png'), fileName: 'd.png' });
    await client.files.delete(fileId ?? '');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', url: `/v1/files/${fileId}`, status: 204 });
    expect((await fetch(url ?? '')).status).toBe(404);
    const again = await client.files.delete(fileId ?? '').catch((e: unknown) => e);
    expect(again).toBeInstanceOf(NotFoundError);
  });
});
