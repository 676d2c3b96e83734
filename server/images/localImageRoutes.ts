import { relative } from 'node:path';
import { type Response, Router } from 'express';
import { AppError, notFound } from '../lib/AppError.js';
import type { LocalImageStorage } from './localImageStorage.js';
import { VARIANT_WIDTHS } from './localImageStorage.js';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/**
 * `GET /images/:key[?w=160|320|640|1024]` for local storage. Keys are random and never reused, so responses are
 * cacheable forever; `nosniff` and a `default-src 'none'` policy keep a browser from ever treating bytes as a page.
 */
export function localImageRoutes(storage: LocalImageStorage): Router {
  const router = Router();
  router.get('/images/:key', async (req, res) => {
    const { key } = req.params;
    const { w } = req.query;
    let path: string;
    if (w === undefined) path = await storage.originalPath(key);
    else if (typeof w === 'string' && /^\d{1,5}$/.test(w)) path = await storage.variantPath(key, Number(w));
    else throw new AppError(400, 'invalid_width', `w must be one of ${VARIANT_WIDTHS.join(', ')}`);
    res.set({
      'Content-Type': storage.mimeType(key),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    await sendFile(res, storage.dir, path);
  });
  return router;
}

/** Relative to `root` so that a dot-folder above the data folder (e.g. `~/.local`) is not mistaken for a dotfile. */
function sendFile(res: Response, root: string, path: string) {
  return new Promise<void>((resolve, reject) => {
    const options = { root, maxAge: YEAR_MS, immutable: true, dotfiles: 'deny' as const };
    res.sendFile(relative(root, path), options, (error?: Error & { code?: string }) => {
      if (!error) resolve();
      // Deleted between the check and the read.
      else if (error.code === 'ENOENT') reject(notFound('Image'));
      else reject(error);
    });
  });
}
