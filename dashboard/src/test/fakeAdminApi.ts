/// <reference types="node" />
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import busboy from 'busboy';
import type { ErrorDetails } from '../../../contract/fieldErrors.js';
import type { Me, Site } from '../../../contract/index.js';
import { me, site } from './contractFixtures.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  lastEventId: string | undefined;
  contentType: string | undefined;
  /** JSON, or for a multipart request its fields (files as `UploadedPart`). */
  body: unknown;
}

/** A file part of a multipart request, as the server's upload reader sees it. */
export interface UploadedPart {
  filename: string;
  type: string;
  bytes: Buffer;
}

/** Multipart bodies read with the parser the server's upload reader uses (busboy), fields by name. */
function readMultipart(raw: Buffer, contentType: string): Promise<Record<string, string | UploadedPart>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string | UploadedPart> = {};
    const parser = busboy({ headers: { 'content-type': contentType } });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => {
        fields[name] = { filename: info.filename ?? '', type: info.mimeType, bytes: Buffer.concat(parts) };
      });
    });
    parser.on('close', () => resolve(fields));
    parser.on('error', reject);
    parser.end(raw);
  });
}

export type Handler = (request: RecordedRequest) => {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent as it is (a file), instead of `body` as JSON. */
  raw?: string;
  /** Answer with an event stream that stays open; `send` writes to it. */
  eventStream?: boolean;
};

/**
 * A tiny admin API on 127.0.0.1 answering contract-shaped JSON, for client tests while the real admin
 * routes are being written. It records every request so tests can assert what the client sent.
 */
export async function startFakeAdminApi(handler: Handler) {
  const requests: RecordedRequest[] = [];
  const streams = new Set<ServerResponse>();
  let eventId = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    // CORS, because happy-dom's fetch enforces it like a browser (the page origin differs from ours).
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'authorization, content-type, accept, last-event-id');
    res.setHeader('access-control-allow-methods', 'GET, POST, PATCH, DELETE');
    res.setHeader('access-control-expose-headers', 'retry-after, content-disposition');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = req.headers['content-type'];
    const text = raw.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
      lastEventId: req.headers['last-event-id'] as string | undefined,
      contentType,
      body: contentType?.startsWith('multipart/form-data')
        ? await readMultipart(raw, contentType)
        : text
          ? JSON.parse(text)
          : undefined,
    };
    requests.push(recorded);
    const answer = handler(recorded);
    if (answer.eventStream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': open\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    res.writeHead(answer.status, {
      ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...answer.headers,
    });
    res.end(answer.raw ?? (answer.body === undefined ? undefined : JSON.stringify(answer.body)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    baseUrl: `http://127.0.0.1:${port}/v1/admin/`,
    requests,
    /** Event streams open now. */
    openStreams: () => streams.size,
    /** Writes an event (with the next id) to every open event stream. */
    send(event: string, data: unknown) {
      eventId += 1;
      for (const res of streams) res.write(`id: ${eventId}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    /** Cuts every open event stream, as a dropped network would. */
    dropStreams() {
      for (const res of streams) res.destroy();
      streams.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.destroy();
        server.close(() => resolve());
      }),
  };
}

export const errorBody = (code: string, message: string, details?: ErrorDetails) => ({
  error: { code, message, ...(details && { details }) },
});

/**
 * What every page needs before its own routes: local sign-in, the signed-in admin (with `role`), the sites (one by
 * default) and the admin event stream; `null` for any other path, so a page's own fake routes answer it.
 */
export function signedInAnswer(path: string, role: Me['role'] = 'admin', sites: Site[] = [site()]): ReturnType<Handler> | null {
  if (path === '/v1/admin/auth/config') return { status: 200, body: { mode: 'local', clerkPublishableKey: null } };
  if (path === '/v1/admin/me') return { status: 200, body: me({ role }) };
  if (path === '/v1/admin/sites') return { status: 200, body: { items: sites, nextCursor: null } };
  if (path === '/v1/admin/events') return { status: 200, eventStream: true };
  return null;
}
