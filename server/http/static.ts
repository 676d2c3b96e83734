import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type Router } from 'express';
import { servePrecompressed } from './precompressed.js';

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

/** Hosts the dashboard's pages may reach beyond their own origin, from the configuration. */
export interface DashboardHosts {
  /** `CLERK_PUBLISHABLE_KEY`, when Clerk signs admins in. */
  clerkPublishableKey?: string;
  /** `IMAGEKIT_URL_ENDPOINT`, when images are served by ImageKit. */
  imagekitUrlEndpoint?: string;
}

/** Clerk's frontend API host, which its publishable key carries: `pk_test_`/`pk_live_` + base64(`host$`). */
export function clerkFrontendApiHost(publishableKey: string): string | null {
  const match = /^pk_(?:test|live)_([A-Za-z0-9+/=_-]+)$/.exec(publishableKey);
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  return /^[a-z0-9.-]+\$$/i.test(decoded) ? decoded.slice(0, -1) : null;
}

/**
 * The dashboard shows visitors' words: a strict CSP naming only what it uses (this origin; Clerk's
 * frontend API, its images and Turnstile when Clerk is on; the ImageKit endpoint when images live there).
 * blob: images are the preview widget's upload thumbnails; blob: workers are Clerk's.
 */
export function dashboardCsp(hosts: DashboardHosts): string {
  const clerk = hosts.clerkPublishableKey ? clerkFrontendApiHost(hosts.clerkPublishableKey) : null;
  const clerkApi = clerk ? [`https://${clerk}`] : [];
  const turnstile = clerk ? ['https://challenges.cloudflare.com'] : [];
  const images = hosts.imagekitUrlEndpoint ? [new URL(hosts.imagekitUrlEndpoint).origin] : [];
  return [
    "default-src 'self'",
    ["script-src 'self'", ...clerkApi, ...turnstile].join(' '),
    "style-src 'self' 'unsafe-inline'",
    ["img-src 'self' data: blob:", ...images, ...(clerk ? ['https://img.clerk.com'] : [])].join(' '),
    ["connect-src 'self'", ...clerkApi].join(' '),
    ["frame-src 'self'", ...turnstile].join(' '),
    `worker-src 'self'${clerk ? ' blob:' : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Content-hashed build outputs (`[name]-[hash]`): a new build gives new names. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Rollup's `[name]-[hash].js`: the ESM build's chunks (its entries, `index.js` and `react.js`, keep their names). */
const CONTENT_HASHED = /-[\w-]{8}\.js$/;
const SHORT = 'public, max-age=300';

/**
 * Serves the browser parts from the same origin as the API (ARCHITECTURE.md decision 7).
 * `demoSiteKey` fills the demo page's `__DEMO_SITE_KEY__` placeholder.
 */
export function staticRoutes(
  dirs: StaticDirs,
  demoSiteKey: () => Promise<string | undefined>,
  hosts: DashboardHosts = {},
): Router {
  const router = express.Router();
  const csp = dashboardCsp(hosts);
  const cors = { 'Access-Control-Allow-Origin': '*' };
  // Host pages load widget.js on every view: a short cache, then a cheap revalidation (304).
  const widget = servePrecompressed(dirs.widget, {
    cacheControl: (file) => (file === 'widget.js' ? SHORT : IMMUTABLE),
    headers: cors,
  });
  router.get('/widget.js', widget);
  router.use('/widget', widget);
  router.use(
    '/widget-esm',
    servePrecompressed(dirs.widgetEsm, {
      cacheControl: (file) => (CONTENT_HASHED.test(file) ? IMMUTABLE : SHORT),
      headers: cors,
    }),
  );
  router.use('/dashboard', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    next();
  });
  // The pages name the hashed assets of one build: always revalidated, so a deploy never leaves a page asking for
  // assets that are gone. History routes get index.html; a missing asset is a 404, not a page.
  router.use(
    '/dashboard',
    servePrecompressed(dirs.dashboard, {
      cacheControl: (file) => (file.startsWith('assets/') ? IMMUTABLE : 'no-cache'),
      index: 'index.html',
      fallback: { file: 'index.html', when: (path) => !path.startsWith('/assets/') },
    }),
  );

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
