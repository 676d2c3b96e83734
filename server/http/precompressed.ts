import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** The content codings the build writes beside each text file (scripts/precompress.mjs), best first. */
const VARIANTS = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
  { coding: 'identity', suffix: '' },
] as const;
export type Coding = (typeof VARIANTS)[number]['coding'];

/**
 * The codings an `Accept-Encoding` header accepts, best first: by q-value, ties broken by our preference
 * (br > gzip > identity); `q=0` refuses, `*` covers what the header does not name, and identity is acceptable
 * unless refused (RFC 9110 §12.5.3). Express's `req.acceptsEncodings` breaks ties by the client's order, and
 * browsers list gzip before br.
 */
export function acceptedCodings(header: string | undefined): Coding[] {
  const q = new Map<string, number>();
  for (const part of (header ?? '').split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0);
  }
  const star = q.get('*');
  // Identity, when not named, ranks with the least wanted coding named (as Express's negotiator does).
  const implicitIdentity = Math.min(1, ...[...q.values()].filter((value) => value > 0));
  const quality = (coding: Coding) => q.get(coding) ?? star ?? (coding === 'identity' ? implicitIdentity : 0);
  return VARIANTS.map((v) => v.coding)
    .filter((coding) => quality(coding) > 0)
    .sort((a, b) => quality(b) - quality(a)); // stable: equal q keep our order
}

export interface PrecompressedOptions {
  /** `Cache-Control` for a file, by its path under the root (`/`-separated, no leading slash). */
  cacheControl: (file: string) => string;
  /** Extra headers on every answer (e.g. CORS for the widget). */
  headers?: Record<string, string>;
  /** Served for `/` (a folder's index page). */
  index?: string;
  /** Served when no file matches and `when(path)` says so (a single-page app's history routes). */
  fallback?: { file: string; when: (path: string) => boolean };
}

/**
 * Strong ETags from the bytes (equal on every instance that serves the same build), cached per file while its size
 * and time stay the same.
 */
function etagCache() {
  const known = new Map<string, { version: string; etag: string }>();
  return async (path: string, stats: Stats): Promise<string> => {
    const version = `${stats.size}:${stats.mtimeMs}`;
    const cached = known.get(path);
    if (cached?.version === version) return cached.etag;
    const digest = createHash('sha256')
      .update(await readFile(path))
      .digest('base64url');
    const etag = `"${digest.slice(0, 27)}"`;
    known.set(path, { version, etag });
    return etag;
  };
}

const fileStats = (path: string) =>
  stat(path).then(
    (s) => (s.isFile() ? s : null),
    () => null,
  );

/** The request's path as a file under `root`, or null for anything that could leave it or names a hidden file. */
function fileUnder(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const parts = path.split('/').filter(Boolean);
  if (path.includes('\0') || parts.some((p) => p.startsWith('.') || p.includes('\\'))) return null;
  const file = resolve(root, ...parts);
  return file.startsWith(root + sep) ? file : null;
}

/**
 * Serves built files with their precompressed siblings: the best coding the client accepts (a sibling older than its
 * file is ignored), `Vary: Accept-Encoding` on every variant, exact `Content-Length`, a strong ETag per variant and
 * `Last-Modified` (304 on revalidation), HEAD. Range requests are not supported: answers are always whole
 * (`Accept-Ranges: none`). Siblings are never served by their own name.
 */
export function servePrecompressed(root: string, options: PrecompressedOptions): RequestHandler {
  const base = resolve(root);
  const etagOf = etagCache();
  return async (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = req.path === '/' && options.index ? `/${options.index}` : req.path;
    if (/\.(?:br|gz)$/.test(path)) return next();
    let file = fileUnder(base, path);
    let stats = file ? await fileStats(file) : null;
    if (!stats && options.fallback?.when(path)) {
      file = join(base, options.fallback.file);
      stats = await fileStats(file);
    }
    if (!file || !stats) return next();

    const codings = acceptedCodings(req.headers['accept-encoding']);
    let chosen: { coding: Coding; path: string; stats: Stats } = { coding: 'identity', path: file, stats };
    for (const coding of codings) {
      const variant = VARIANTS.find((v) => v.coding === coding)!;
      const variantStats = variant.suffix ? await fileStats(file + variant.suffix) : stats;
      if (variantStats && variantStats.mtimeMs >= stats.mtimeMs) {
        chosen = { coding, path: file + variant.suffix, stats: variantStats };
        break;
      }
    }

    for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
    res.type(extname(file));
    res.vary('Accept-Encoding');
    if (chosen.coding !== 'identity') res.setHeader('Content-Encoding', chosen.coding);
    res.setHeader('Content-Length', chosen.stats.size);
    res.setHeader('Accept-Ranges', 'none');
    res.setHeader(
      'Cache-Control',
      options.cacheControl(
        file
          .slice(base.length + 1)
          .split(sep)
          .join('/'),
      ),
    );
    res.setHeader('Last-Modified', stats.mtime.toUTCString());
    res.setHeader('ETag', await etagOf(chosen.path, chosen.stats));

    if (req.fresh) {
      // A 304 carries the validators and caching headers, not the content's (RFC 9110 §15.4.5).
      for (const name of ['Content-Type', 'Content-Length', 'Content-Encoding']) res.removeHeader(name);
      return res.status(304).end();
    }
    if (req.method === 'HEAD') return res.end();
    try {
      await pipeline(createReadStream(chosen.path), res);
    } catch (error) {
      if (!res.headersSent) return next(error);
      res.destroy();
    }
  };
}
