import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageRef, Message } from '../../../contract/messages.js';
import { json } from '../../test/json.js';
import { startGeminiTestApp } from '../../test/testApp.js';

const app = await startGeminiTestApp(import.meta.url, { services: { maxUploadBytes: 10 * 1024 * 1024 } });
const { gemini } = app;
afterAll(() => app.close());

const site = await app.createSite({ name: 'Photos' });
const visitor = await app.startVisitor(site.publicKey);

const png = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } })
    .png()
    .toBuffer();

async function upload(body: Buffer, options: { name?: string; type?: string; token?: string; extraFile?: Buffer } = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(body)], { type: options.type ?? 'image/png' }), options.name ?? 'photo.png');
  if (options.extraFile) form.append('file', new Blob([new Uint8Array(options.extraFile)], { type: 'image/png' }), 'b.png');
  return app.request('/v1/widget/images', {
    method: 'POST',
    body: form,
    token: options.token ?? visitor.token,
    headers: { origin: 'http://localhost:5173' },
  });
}

const storedFiles = () => {
  try {
    return readdirSync(join(app.dataDir, 'images'));
  } catch {
    return [];
  }
};
const imageCount = () => app.models.Image.countDocuments({});

describe('POST /v1/widget/images', () => {
  it('re-encodes, stores and describes an upload; the file is served with safe headers', async () => {
    const res = await upload(await png(), { name: 'holiday.png' });
    expect(res.status).toBe(201);
    const image = (await json(res)) as ImageRef;
    expect(image).toMatchObject({ id: expect.stringMatching(/^[a-f0-9]{24}$/), width: 64, height: 48 });
    expect(image.url).toMatch(/\/images\/[0-9a-f]{32}\.(webp|png)$/);
    const served = await app.request(new URL(image.url, app.url).pathname);
    expect(served.status).toBe(200);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-type')).toBe(image.mimeType);
    const thumb = await app.request(new URL(image.thumbnailUrl, app.url).pathname + new URL(image.thumbnailUrl, app.url).search);
    expect(thumb.status).toBe(200);
  });

  const attacks: [string, () => Promise<Response>, number][] = [
    [
      'an SVG with script',
      async () =>
        upload(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), {
          name: 'x.svg',
          type: 'image/svg+xml',
        }),
      415,
    ],
    ['HTML renamed .png', async () => upload(Buffer.from('<!doctype html><script>alert(1)</script>'), { name: 'x.png' }), 415],
    [
      'a PDF with a spoofed Content-Type',
      async () => upload(Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n'), { type: 'image/png' }),
      415,
    ],
    ['zero bytes', async () => upload(Buffer.alloc(0)), 400],
    ['11 MB', async () => upload(Buffer.concat([await png(), Buffer.alloc(11 * 1024 * 1024)])), 413],
    ['two files in one request', async () => upload(await png(), { extraFile: await png() }), 400],
    [
      'a truncated image',
      async () =>
        upload(
          (
            await sharp({ create: { width: 300, height: 300, channels: 3, background: '#123456' } })
              .jpeg()
              .toBuffer()
          ).subarray(0, 200),
          { name: 'x.jpg', type: 'image/jpeg' },
        ),
      422,
    ],
    ['someone else’s (forged) token', async () => upload(await png(), { token: 'eyJhbGciOiJIUzI1NiJ9.e30.x' }), 401],
    [
      'JSON instead of multipart',
      () =>
        app.request('/v1/widget/images', {
          method: 'POST',
          json: { file: 'x' },
          token: visitor.token,
          headers: { origin: 'http://localhost:5173' },
        }),
      415,
    ],
  ];
  it.each(attacks)('refuses %s and stores nothing', async (_name, send, status) => {
    const [filesBefore, docsBefore] = [storedFiles().length, await imageCount()];
    const res = await send();
    expect(res.status).toBe(status);
    const body = await json(res);
    expect(body.error).toEqual({
      code: expect.any(String),
      message: expect.any(String),
      ...(body.error.details ? { details: body.error.details } : {}),
    });
    expect(storedFiles().length).toBe(filesBefore);
    expect(await imageCount()).toBe(docsBefore);
  });
});

describe('images in messages', () => {
  it('attaches the visitor’s own image, sends it to Gemini as inline data, and shows it in history', async () => {
    const image = (await json(await upload(await png(120, 90)))) as ImageRef;
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['A red rectangle.'] });
    const { events } = await visitor.send(conversation.id, 'What is this?', 'i1', [image.id]);
    expect(events.at(-1)?.event).toBe('done');
    const sent = gemini.requests.at(-1)?.body.contents.at(-1)?.parts ?? [];
    const inline = sent.find((part) => part.inlineData)?.inlineData;
    expect(inline?.mimeType).toMatch(/^image\//);
    const decoded = await sharp(Buffer.from(inline?.data ?? '', 'base64')).metadata();
    expect([decoded.width, decoded.height]).toEqual([120, 90]);

    const history = (await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`)))
      .items as Message[];
    expect(history[0]?.images).toEqual([expect.objectContaining({ id: image.id, width: 120, height: 90 })]);
    const again = await visitor.send(conversation.id, 'Again', 'i2', [image.id]);
    expect(again.res.status).toBe(400); // already attached

    const admin = await json(await app.admin('/v1/admin/conversations?hasImages=true'));
    expect(admin.items.map((c: { id: string }) => c.id)).toEqual([conversation.id]);
    expect(admin.items[0].thumbnailUrl).toContain('?w=320');
    const gallery = await json(await app.admin('/v1/admin/images'));
    expect(gallery.items.find((i: { id: string }) => i.id === image.id)).toMatchObject({
      conversationId: conversation.id,
      siteId: site.id,
    });
  });

  it('refuses another visitor’s image (404) and unknown ids', async () => {
    const other = await app.startVisitor(site.publicKey);
    const theirs = (await json(await upload(await png(), { token: other.token }))) as ImageRef;
    const conversation = await visitor.newConversation();
    const stolen = await visitor.send(conversation.id, 'mine?', 's1', [theirs.id]);
    expect(stolen.res.status).toBe(404);
    const unknown = await visitor.send(conversation.id, 'mine?', 's2', ['0123456789abcdef01234567']);
    expect(unknown.res.status).toBe(404);
    expect((await json(await visitor.request(`/v1/widget/conversations/${conversation.id}/messages`))).items).toEqual([]);
  });

  it('deleting a conversation deletes its images from storage and the database', async () => {
    const image = (await json(await upload(await png()))) as ImageRef;
    const conversation = await visitor.newConversation();
    gemini.enqueue({ chunks: ['ok'] });
    await visitor.send(conversation.id, 'look', 'd1', [image.id]);
    const key = new URL(image.url, app.url).pathname.split('/').pop() as string;
    expect(storedFiles()).toContain(key);
    expect((await app.admin(`/v1/admin/conversations/${conversation.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(storedFiles()).not.toContain(key);
    expect(await app.models.Image.countDocuments({ _id: image.id })).toBe(0);
    expect((await app.request(new URL(image.url, app.url).pathname)).status).toBe(404);
  });

  it('sweeps uploads never attached to a message after the grace period', async () => {
    const image = (await json(await upload(await png()))) as ImageRef;
    expect(await app.services.images.sweepOrphans(60_000)).toBe(0);
    expect(await app.services.images.sweepOrphans(-1)).toBeGreaterThanOrEqual(1);
    expect(await app.models.Image.countDocuments({ _id: image.id })).toBe(0);
  });
});
