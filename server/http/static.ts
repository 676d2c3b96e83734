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
  const widgetOptions = {
    maxAge: '5m',
    setHeaders: (res: express.Response) => res.setHeader('Access-Control-Allow-Origin', '*'),
  };
  router.get('/widget.js', (_req, res, next) => {
    res.sendFile(join(dirs.widget, 'widget.js'), widgetOptions, (error) => error && next());
  });
  router.use('/widget', express.static(dirs.widget, { ...widgetOptions, maxAge: '1y', immutable: true, index: false }));
  router.use('/widget-esm', express.static(dirs.widgetEsm, { ...widgetOptions, index: false }));
  router.use('/dashboard', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
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
