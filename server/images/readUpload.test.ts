import { createHash } from 'node:crypto';
import { request } from 'node:http';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../http/errorHandler.js';
import { startWebServer } from '../http/server.js';
import { createLogger } from '../lib/logger.js';
import { readUpload } from './readUpload.js';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** What the server saw for each request: the bytes it had read off the socket when readUpload settled. */
const seen: { bytesRead: number; outcome: 'ok' | 'error'; code?: string }[] = [];

const app = express();
app.post('/upload', async (req, res) => {
  const maxBytes = req.query.max ? Number(req.query.max) : undefined;
  try {
    const upload = await readUpload(req, { maxBytes });
    seen.push({ bytesRead: req.socket.bytesRead, outcome: 'ok' });
    res.json({
      bytes: upload.buffer.length,
      sha256: sha256(upload.buffer),
      filename: upload.filename,
      declaredType: upload.declaredType,
      fields: upload.fields,
    });
  } catch (error) {
    seen.push({ bytesRead: req.socket.bytesRead, outcome: 'error', code: (error as { code?: string }).code });
    throw error;
  }
});
app.use(errorHandler(createLogger('silent')));
const web = await startWebServer(app, 0);
afterAll(() => web.stop(100));

async function post(body: FormData | string, headers: Record<string, string> = {}, query = '') {
  const response = await fetch(`${web.url}/upload${query}`, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as { bytes?: number; error?: { code: string } } };
}

function form(files: { field?: string; data: Uint8Array; name?: string; type?: string }[], fields: Record<string, string> = {}) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  for (const file of files)
    data.append(file.field ?? 'file', new Blob([file.data], { type: file.type ?? 'image/png' }), file.name ?? 'a.png');
  return data;
}

describe('readUpload', () => {
  it('returns the one file, its declared name and type, and the text fields', async () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) % 256);
    const result = await post(form([{ data: bytes, name: 'photo.jpg', type: 'image/jpeg' }], { conversationId: 'c1' }));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      bytes: 300_000,
      sha256: sha256(bytes),
      filename: 'photo.jpg',
      declaredType: 'image/jpeg',
      fields: { conversationId: 'c1' },
    });
  });

  it('accepts a file of exactly the limit', async () => {
    const result = await post(form([{ data: new Uint8Array(1000) }]), {}, '?max=1000');
    expect(result.status).toBe(200);
    expect(result.body.bytes).toBe(1000);
  });

  it('rejects a body that is not multipart with 415', async () => {
    const result = await post(JSON.stringify({ file: 'x' }), { 'content-type': 'application/json' });
    expect(result).toEqual({ status: 415, body: { error: { code: 'unsupported_media_type', message: expect.any(String) } } });
  });

  it('rejects multipart without a boundary with 400', async () => {
    const result = await post('--x\r\n', { 'content-type': 'multipart/form-data; charset=utf-8' });
    expect(result.status).toBe(400);
    expect(result.body.error?.code).toBe('malformed_multipart');
  });

  it('rejects a truncated multipart body with 400', async () => {
    const body = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc';
    const result = await post(body, { 'content-type': 'multipart/form-data; boundary=b' });
    expect(result.status).toBe(400);
    expect(result.body.error?.code).toBe('malformed_multipart');
  });

  it('rejects a request without a file with 400 missing_file', async () => {
    const result = await post(form([], { conversationId: 'c1' }));
    expect(result).toEqual({ status: 400, body: { error: { code: 'missing_file', message: expect.any(String) } } });
  });

  it('rejects zero bytes with 400 empty_file', async () => {
    const result = await post(form([{ data: new Uint8Array(0) }]));
    expect(result).toEqual({ status: 400, body: { error: { code: 'empty_file', message: 'The file is empty' } } });
  });

  it('rejects two files in one request with 400 too_many_files', async () => {
    const result = await post(form([{ data: new Uint8Array(10) }, { data: new Uint8Array(10), name: 'b.png' }]));
    expect(result).toEqual({ status: 400, body: { error: { code: 'too_many_files', message: expect.any(String) } } });
  });

  it('rejects a file in another field with 400', async () => {
    const result = await post(form([{ field: 'image', data: new Uint8Array(10) }]));
    expect(result.status).toBe(400);
    expect(result.body.error?.code).toBe('unexpected_field');
  });

  it('rejects an oversized text field with 400', async () => {
    const result = await post(form([{ data: new Uint8Array(10) }], { conversationId: 'x'.repeat(5000) }));
    expect(result.status).toBe(400);
    expect(result.body.error?.code).toBe('field_too_large');
  });

  it('rejects 11 MB with 413 payload_too_large as soon as the limit is crossed', async () => {
    seen.length = 0;
    const result = await post(form([{ data: new Uint8Array(11 * 1024 * 1024) }]));
    expect(result).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'The image is larger than 10 MB' } },
    });
    expect(seen[0]?.outcome).toBe('error');
    // Settled shortly after 10 MB had arrived, not after the whole 11 MB.
    expect(seen[0]?.bytesRead).toBeLessThan(10.6 * 1024 * 1024);
  });

  it('answers 413 while the client is still sending (it never waits for the end of the body)', async () => {
    const boundary = 'limit-test';
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${web.url}/upload?max=100000`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
      );
      // 200 kB of a file that never ends: the request body is left open.
      req.write(Buffer.alloc(200_000));
    });
    expect(status).toBe(413);
  });

  it('settles (upload_aborted) when the client goes away mid-upload', async () => {
    seen.length = 0;
    const req = request(`${web.url}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=gone', 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => {});
    req.write('--gone\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n');
    req.write(Buffer.alloc(50_000));
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    await expect.poll(() => seen[0]).toEqual({ bytesRead: expect.any(Number), outcome: 'error', code: 'upload_aborted' });
  });
});
