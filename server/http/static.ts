import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Router } from 'express';

export interface StaticDirs {
  /** Built widget (`dist/widget`): `/widget.js` and its chunks under `/widget/`. */
  widget: string;
  /** Built dashboard (`dist/dashboard`), served at `/dashboard/`. */
  dashboard: string;
  /** ESM build of the widget for `import` from a page (`dist/widget-esm`), served at `/widget-esm/`. */
  widgetEsm: string;
  /** Example host pages (`examples/`); `plain-html` is the demo page at `/`. */
  examples: string;
}

const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self' https://*.clerk.accounts.dev https://challenges.cloudflare.com",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "connect-src 'self' https:",
  "frame-src 'self' https://challenges.cloudflare.com",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Serves the browser parts from the same origin as the API (ARCHITECTURE.md decision 7).
 * `demoSiteKey` fills the demo page's `__DEMO_SITE_KEY__` placeholder.
 */
export function staticRoutes(dirs: StaticDirs, demoSiteKey: () => Promise<string | undefined>): Router {
  const router = express.Router();
  const widgetOptions = {
    maxAge: '5m',
    setHeaders: (res: express.Response) => res.setHeader('Access-Control-Allow-Origin', '*'),
  };
  router.get('/widget.js', (_req, res, next) => {
    res.sendFile(join(dirs.widget, 'widget.js'), widgetOptions, (error) => error && next());
  });
  router.use('/widget', express.static(dirs.widget, { ...widgetOptions, maxAge: '1y', immutable: true, index: false }));
  router.use('/widget-esm', express.static(dirs.widgetEsm, { ...widgetOptions, index: false }));
  // The dashboard shows visitors' words: a strict CSP (scripts only from here; Clerk's hosts when used).
  router.use('/dashboard', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    next();
  });
  router.use('/dashboard', express.static(dirs.dashboard, { index: 'index.html' }));
  router.get(/^\/dashboard(\/.*)?$/, (_req, res, next) => {
    res.sendFile(join(dirs.dashboard, 'index.html'), (error) => error && next());
  });

  const page = async (file: string) => {
    const html = await readFile(join(dirs.examples, file), 'utf8');
    const key = (await demoSiteKey()) ?? '';
    return html.replaceAll('__DEMO_SITE_KEY__', key);
  };
  router.get(['/', '/examples/:name/'], async (req, res, next) => {
    const name = (req.params as { name?: string }).name ?? 'plain-html';
    if (!/^[a-z0-9-]+$/.test(name)) return next();
    let html: string;
    try {
      html = await page(join(name, 'index.html'));
    } catch {
      return next();
    }
    res.type('html').setHeader('Cache-Control', 'no-cache').send(html);
  });
  router.use('/examples', express.static(dirs.examples, { index: false }));
  return router;
}
