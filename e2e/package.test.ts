// The widget as people install it from npm: `npm pack` of the widget workspace, the tarball installed into a fresh
// project (offline: the package has no dependencies; React, its types, TypeScript and esbuild come from this repo's
// node_modules), the React example (examples/react-app/) type-checked with tsc against the package's declarations
// and bundled with esbuild, then rendered in Chromium against the real server: the launcher appears, a question
// gets its answer.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keepFailureScreenshots, keepScreenshot, launchBrowser, watchErrors } from './browser.js';
import { type E2eServer, startE2eServer } from './harness.js';
import { eventually, widgetUi } from './widgetUi.js';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples', 'react-app');

let server: E2eServer;
let browser: Browser;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'chatwidget-package-'));
  [server, browser] = await Promise.all([startE2eServer(import.meta.url), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach((ctx) => keepFailureScreenshots(ctx, browser));

describe('the npm package', () => {
  let app: string;
  let tarball: string;

  it('packs the widget workspace with its ESM build, declarations, React binding and script-tag build', async () => {
    const { stdout } = await run('npm', ['pack', '--workspace', 'widget', '--pack-destination', work, '--json'], {
      cwd: root,
    });
    const [packed] = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
    expect(packed?.name).toBe('@chatwidget/widget');
    const files = packed?.files.map((f) => f.path) ?? [];
    for (const file of ['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/react.js', 'dist/react.d.ts'])
      expect(files).toContain(file);
    expect(files).toContain('dist/script/widget.js');
    expect(files.some((f) => /^dist\/script\/widget\/panel-[\w-]{8}\.js$/.test(f))).toBe(true);
    // No sources, tests or precompressed copies.
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md')).toEqual([]);
    expect(files.filter((f) => /\.(br|gz)$|\.test\.|\.tsx?$/.test(f.replace(/\.d\.ts$/, '')))).toEqual([]);
    tarball = join(work, packed?.filename ?? '');
  });

  it('installs offline into a fresh project, type-checks the React example with tsc and bundles it', async () => {
    app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'react-app', private: true, type: 'module' }));
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: app });
    const installed = JSON.parse(readFileSync(join(app, 'node_modules/@chatwidget/widget/package.json'), 'utf8'));
    expect(installed.peerDependencies).toEqual({ react: '^18.0.0 || ^19.0.0' });
    // The app's own dependencies, linked after the install (npm would prune them): one React for app and widget.
    for (const name of ['react', 'react-dom', '@types/react', '@types/react-dom']) {
      mkdirSync(dirname(join(app, 'node_modules', name)), { recursive: true });
      symlinkSync(join(root, 'node_modules', name), join(app, 'node_modules', name), 'dir');
    }
    for (const file of ['src', 'index.html', 'tsconfig.json']) cpSync(join(example, file), join(app, file), { recursive: true });

    // skipLibCheck is off in the example: the package's declarations must stand alone (no zod, no sources).
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', app]).catch((error) => {
      throw new Error(`tsc failed:\n${error.stdout}${error.stderr}`);
    });

    const result = await build({
      absWorkingDir: app,
      entryPoints: ['src/main.tsx'],
      bundle: true,
      format: 'esm',
      splitting: true,
      outdir: 'dist',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('node_modules/@chatwidget/widget/dist/react.js'))).toBe(true);
    // One React: the binding's import of react is the app's.
    expect(inputs.filter((path) => /\/react\/index\.js$/.test(path))).toHaveLength(1);
  });

  it('renders <ChatWidget> in Chromium against the real server: the launcher appears and a question is answered', async () => {
    const html = readFileSync(join(app, 'index.html'), 'utf8')
      .replace('content="pk_…"', `content="${server.demoSite.publicKey}"`)
      .replace('content="http://localhost:3000"', `content="${server.url}"`);
    // The bundled app served from its own origin on loopback, as the host site's dev server would (a routed,
    // fulfilled page would count as public, and Chromium keeps public pages from calling loopback addresses).
    const site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      try {
        const body = path === '/' ? html : readFileSync(join(app, path.replaceAll('..', '')));
        res.writeHead(200, { 'content-type': path === '/' ? 'text/html' : 'text/javascript' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    const ui = widgetUi(page);
    await page.goto(`${appUrl}/`);
    await expect.poll(() => ui.launcher.count(), { timeout: 15_000 }).toBe(1);
    // StrictMode mounted the component twice: still one widget on the page.
    expect(await ui.host.count()).toBe(1);
    await page.getByRole('button', { name: 'Ask us anything' }).click();
    await eventually(() => ui.dialog.getAttribute('aria-label')).toBe('Chat with us');
    await ui.box.fill('Can visitors send images?');
    await ui.box.press('Enter');
    await eventually(() => ui.log.getAttribute('aria-busy')).toBe('false');
    expect(await ui.answers.last().textContent()).toContain('JPEG, PNG, WebP or GIF');
    // The app heard the answer through its onMessageReceived prop.
    await eventually(() => page.getByRole('status', { name: 'Answers so far' }).textContent()).toBe('1');
    await keepScreenshot(page, 'react-app');
    expect(errors).toEqual([]);
    await context.close();
    site.close();
  });
});
