import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import sharp from 'sharp';

/**
 * A local fake of ImageKit on one loopback port, speaking the wire format the `@imagekit/nodejs` 7.x SDK uses
 * (INTEGRATIONS.md; paths checked in the SDK's source):
 * - `POST /api/v1/files/upload` (the upload API; multipart, Basic auth with the private key as user name),
 * - `DELETE /v1/files/:fileId` (the management API; 204),
 * - and the delivery side at `urlEndpoint`: `GET <endpoint>/<filePath>` returns the stored bytes, resized for
 *   `?tr=w-<n>` (or a `/tr:w-<n>/` path segment); private files need a valid `ik-s` signature (and an unexpired `ik-t`).
 * Give the SDK `baseURL` and `IMAGEKIT_URL_ENDPOINT` = `urlEndpoint`.
 */

export interface FakeImageKitFile {
  fileId: string;
  name: string;
  /** `/<folder>/<name>`, as ImageKit reports it. */
  filePath: string;
  data: Buffer;
  mimeType: string;
  isPrivateFile: boolean;
  tags: string[] | null;
  width?: number;
  height?: number;
}

export interface FakeImageKitRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** The text fields of an upload. */
  fields?: Record<string, string>;
  status: number;
}

export interface FakeImageKit {
  /** The API base for `new ImageKit({ baseURL })` (uploads and management calls alike). */
  baseURL: string;
  /** The delivery URL endpoint, e.g. `http://127.0.0.1:1234/fake_id`. */
  urlEndpoint: string;
  privateKey: string;
  /** Stored files by fileId. */
  files: Map<string, FakeImageKitFile>;
  requests: FakeImageKitRequest[];
  /** The next `count` uploads fail with `status` (e.g. 500, 429) before anything is stored. */
  failNextUploads(count: number, status?: number): void;
  stop(): Promise<void>;
}

const HELP = 'For support kindly contact us at support@imagekit.io .';
/** ImageKit's "never expires" timestamp for signed URLs without `ik-t`. */
const NEVER = 9_999_999_999;
const MAX_BODY = 64 * 1024 * 1024;

export async function startFakeImageKit(options: { privateKey?: string; endpointPath?: string } = {}): Promise<FakeImageKit> {
  const privateKey = options.privateKey ?? `private_fake_${randomBytes(8).toString('hex')}`;
  const endpointPath = `/${(options.endpointPath ?? 'fake_imagekit_id').replace(/^\/+|\/+$/g, '')}`;
  const files = new Map<string, FakeImageKitFile>();
  const requests: FakeImageKitRequest[] = [];
  let failures = { count: 0, status: 500 };
  let origin = '';

  const authorised = (req: IncomingMessage) => {
    const match = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (!match?.[1]) return false;
    const user = Buffer.from(match[1], 'base64').toString('utf8').split(':')[0] ?? '';
    const expected = Buffer.from(privateKey);
    const given = Buffer.from(user);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const send = (res: ServerResponse, status: number, body?: unknown, type = 'application/json') => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    res.writeHead(status, payload ? { 'content-type': type, 'content-length': payload.length } : {});
    res.end(payload);
    return status;
  };
  const error = (res: ServerResponse, status: number, message: string) => send(res, status, { message, help: HELP });

  async function upload(req: IncomingMessage, res: ServerResponse, record: FakeImageKitRequest) {
    if (!authorised(req)) return error(res, 401, 'Your account cannot be authenticated.');
    const body = await readBody(req);
    if (body === undefined) return error(res, 413, 'Your request is too large.');
    let form: FormData;
    try {
      form = await new Request(`${origin}${req.url}`, {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body,
        duplex: 'half',
      } as RequestInit).formData();
    } catch {
      return error(res, 400, 'Your request could not be parsed as multipart/form-data.');
    }
    const fields: Record<string, string> = {};
    for (const [key, value] of form.entries()) if (typeof value === 'string' && key !== 'file') fields[key] = value;
    record.fields = fields;
    if (failures.count > 0) {
      failures.count--;
      return error(res, failures.status, 'We are experiencing some issues, please try again later.');
    }

    const file = form.get('file');
    if (file === null) return error(res, 400, 'Missing file parameter for upload');
    const fileName = fields.fileName;
    if (!fileName) return error(res, 400, 'Missing fileName parameter for upload');
    if (/[/\\]/.test(fileName)) return error(res, 400, 'Invalid fileName parameter');

    const data =
      typeof file === 'string'
        ? Buffer.from(file.replace(/^data:[^,]*;base64,/, ''), 'base64')
        : Buffer.from(await file.arrayBuffer());
    const unique = fields.useUniqueFileName !== 'false';
    const extension = extname(fileName);
    const name = unique
      ? `${fileName.slice(0, fileName.length - extension.length)}_${randomBytes(5).toString('hex')}${extension}`
      : fileName;
    const folder = (fields.folder ?? '/').replace(/^\/*|\/*$/g, '');
    const filePath = `/${folder ? `${folder}/` : ''}${name}`;
    const image = await sharp(data)
      .metadata()
      .catch(() => undefined);

    // Without a unique name, the same path gets a new version of the same file.
    const previous = [...files.values()].find((f) => f.filePath === filePath);
    const stored: FakeImageKitFile = {
      fileId: previous?.fileId ?? randomBytes(12).toString('hex'),
      name,
      filePath,
      data,
      mimeType: image?.format ? `image/${image.format === 'heif' ? 'avif' : image.format}` : 'application/octet-stream',
      isPrivateFile: fields.isPrivateFile === 'true',
      tags: fields.tags ? fields.tags.split(',') : null,
      width: image?.width,
      height: image?.height,
    };
    files.set(stored.fileId, stored);

    const url = `${origin}${endpointPath}${filePath}`;
    return send(res, 200, {
      fileId: stored.fileId,
      name,
      filePath,
      url,
      thumbnailUrl: `${origin}${endpointPath}/tr:n-ik_ml_thumbnail${filePath}`,
      ...(image ? { width: stored.width, height: stored.height, hasAlpha: image.hasAlpha ?? false } : {}),
      size: data.length,
      fileType: image ? 'image' : 'non-image',
      mime: stored.mimeType,
      isPrivateFile: stored.isPrivateFile,
      isPublished: true,
      customCoordinates: null,
      tags: stored.tags,
      AITags: null,
      versionInfo: { id: randomBytes(12).toString('hex'), name: previous ? 'Version 2' : 'Version 1' },
    });
  }

  function remove(req: IncomingMessage, res: ServerResponse, fileId: string) {
    if (!authorised(req)) return error(res, 401, 'Your account cannot be authenticated.');
    if (!files.delete(decodeURIComponent(fileId))) return error(res, 404, 'The requested file does not exist.');
    return send(res, 204);
  }

  async function deliver(req: IncomingMessage, res: ServerResponse) {
    const raw = req.url ?? '/';
    const url = new URL(raw, origin);
    let path = url.pathname.slice(endpointPath.length);
    let transformation = url.searchParams.get('tr') ?? '';
    const pathTransformation = /^\/tr:([^/]+)(\/.*)$/.exec(path);
    if (pathTransformation) {
      transformation = pathTransformation[1] ?? '';
      path = pathTransformation[2] ?? '';
    }
    const file = [...files.values()].find((f) => f.filePath === decodeURIComponent(path));
    if (!file) return send(res, 404, Buffer.from('Not Found'), 'text/plain');

    if (file.isPrivateFile || url.searchParams.has('ik-s')) {
      const signature = url.searchParams.get('ik-s') ?? '';
      const expiry = Number(url.searchParams.get('ik-t') ?? NEVER);
      // The SDK signs the URL as built, before appending ik-t / ik-s, minus the endpoint and one slash.
      const unsigned = `${origin}${raw.replace(/[?&]ik-t=\d+(?=&|$)/, '').replace(/[?&]ik-s=[0-9a-f]+$/, '')}`;
      const expected = createHmac('sha1', privateKey)
        .update(unsigned.replace(`${origin}${endpointPath}/`, '') + String(expiry))
        .digest('hex');
      if (signature !== expected || expiry < Date.now() / 1000)
        return send(res, 401, Buffer.from('Unauthorized: invalid or expired signature'), 'text/plain');
    }

    const width = /(?:^|,)w-(\d+)(?:,|$)/.exec(transformation)?.[1];
    const quality = /(?:^|,)q-(\d+)(?:,|$)/.exec(transformation)?.[1];
    let data = file.data;
    if (width && file.mimeType.startsWith('image/'))
      data = await sharp(file.data)
        .resize({ width: Number(width) })
        .toFormat(file.mimeType.slice('image/'.length) as 'webp', quality ? { quality: Number(quality) } : {})
        .toBuffer();
    return send(res, 200, data, file.mimeType);
  }

  const server = createServer(async (req, res) => {
    const record: FakeImageKitRequest = { method: req.method ?? '', url: req.url ?? '', status: 0 };
    requests.push(record);
    try {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const deleteMatch = /^\/v1\/files\/([^/]+)$/.exec(path);
      if (req.method === 'POST' && path === '/api/v1/files/upload') record.status = await upload(req, res, record);
      else if (req.method === 'DELETE' && deleteMatch?.[1]) record.status = remove(req, res, deleteMatch[1]);
      else if (req.method === 'GET' && path.startsWith(`${endpointPath}/`)) record.status = await deliver(req, res);
      else record.status = error(res, 404, 'Not found.');
    } catch (cause) {
      record.status = error(res, 500, `Fake ImageKit failed: ${String(cause)}`);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseURL: origin,
    urlEndpoint: `${origin}${endpointPath}`,
    privateKey,
    files,
    requests,
    failNextUploads(count, status = 500) {
      failures = { count, status };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
