// Widget benchmark (issue 9): sizes (bench/widget-size.mjs, ours and the anchors from npm), then boot cost in headless
// Chromium on a blank host page served from 127.0.0.1, for ours (against the real server on the embedded database,
// so the launcher and the panel really start) and each anchor loaded the way its docs say: time from script start to
// launcher visible, main-thread time and long tasks, layout shift, JS heap after boot and after opening the panel.
// Median of RUNS runs each. Prints tables and writes bench/results/widget.json.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { createInterface } from 'node:readline';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
// The same Chromium and flags as the e2e journeys (run with tsx, which loads the TypeScript module).
import { launchBrowser } from '../e2e/browser.ts';
import { measureOnTheWire, printWire, WIRE_GOALS } from './lib/wireBytes.ts';

const RUNS = Number(process.env.BENCH_WIDGET_RUNS ?? 10);
const SETTLE_MS = 2000;

// 1. Sizes: the existing size benchmark, unchanged.
await import('./widget-size.mjs');
const sizes = JSON.parse(readFileSync('bench/results/widget-size.json', 'utf8'));

// 2. Our server, as `npm start` runs it but from the sources: a fresh data folder, a free port, the demo site's key.
const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-bench-widget-'));
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', GEMINI_API_KEY: '', MONGODB_URI: '' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const printed = {};
for await (const line of createInterface({ input: server.stdout })) {
  const page = /Demo page:\s+(\S+?)\/?$/.exec(line);
  const key = /Demo site key:\s+(\S+)/.exec(line);
  const dashboard = /Dashboard:\s+(\S+)/.exec(line);
  if (page) printed.url = page[1];
  if (key) printed.siteKey = key[1];
  if (dashboard) printed.dashboard = dashboard[1];
  if (printed.url && printed.siteKey && printed.dashboard) break;
}
server.stdout.resume();

// 3. The anchors from npm, into a temporary folder, served beside the host pages.
const anchorsDir = mkdtempSync(join(tmpdir(), 'widget-anchors-boot-'));
const install = spawn(
  'npm',
  [
    'i',
    '--prefix',
    anchorsDir,
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    'deep-chat',
    '@typebot.io/js',
    'flowise-embed',
  ],
  { stdio: 'ignore' },
);
const installed = (await new Promise((resolve) => install.on('exit', resolve))) === 0;
const version = (name) => {
  try {
    return JSON.parse(readFileSync(join(anchorsDir, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
};

const DEAD_API = 'http://127.0.0.1:1'; // nothing listens: the anchors boot without a backend, as ours would offline
const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script>
  window.__m = { longTasks: [], cls: 0, visible: null };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) __m.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) __m.cls += e.value; }).observe({ type: 'layout-shift', buffered: true });
  // The launcher: a visible element (a button when there is one) in the widget's host element or its shadow root.
  window.__visibleIn = (host) => {
    const root = host && (host.shadowRoot || host);
    if (!root) return false;
    const candidates = [...root.querySelectorAll('button')];
    if (!candidates.length && host.shadowRoot) candidates.push(...host.shadowRoot.querySelectorAll('*'));
    return candidates.some((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; });
  };
  const poll = () => { if (window.__detect && window.__detect()) __m.visible = performance.now(); else requestAnimationFrame(poll); };
  requestAnimationFrame(poll);
</script></head><body><h1>A host page</h1><p>Some text of the site, laid out before the widget loads.</p>`;
const WIDGETS = [
  { name: 'blank page (baseline)', body: `<script>__m.t0 = performance.now(); window.__detect = () => true;</script>` },
  {
    name: 'ours',
    body: `<script>__m.t0 = performance.now(); window.__detect = () => __visibleIn(document.querySelector('[data-chat-widget]'));</script>
<script src="${printed.url}/widget.js" data-site-key="${printed.siteKey}" async></script>`,
    open: async (page) => {
      await page.locator('[data-chat-widget] button.launcher').click();
      await page.getByRole('textbox', { name: 'Message' }).waitFor({ timeout: 10_000 });
    },
  },
  {
    name: 'deep-chat',
    file: 'deep-chat/dist/deepChat.bundle.js',
    body: `<script>__m.t0 = performance.now(); window.__detect = () => __visibleIn(document.querySelector('deep-chat'));</script>
<script type="module" src="/anchors/deep-chat/dist/deepChat.bundle.js"></script><deep-chat></deep-chat>`,
  },
  {
    name: '@typebot.io/js',
    file: '@typebot.io/js/dist/web.js',
    body: `<script>__m.t0 = performance.now(); window.__detect = () => __visibleIn(document.querySelector('typebot-bubble'));</script>
<script type="module">import Typebot from '/anchors/@typebot.io/js/dist/web.js'; Typebot.initBubble({ typebot: 'x', apiHost: '${DEAD_API}' });</script>`,
    open: (page) => page.locator('typebot-bubble button').first().click(),
  },
  {
    name: 'flowise-embed',
    file: 'flowise-embed/dist/web.js',
    body: `<script>__m.t0 = performance.now(); window.__detect = () => __visibleIn(document.querySelector('flowise-chatbot'));</script>
<script type="module">import Chatbot from '/anchors/flowise-embed/dist/web.js'; Chatbot.init({ chatflowid: 'x', apiHost: '${DEAD_API}' });</script>`,
    open: (page) => page.locator('flowise-chatbot button').first().click(),
  },
];

const BROTLI_MAX = {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
};
const brotliCache = new Map();
const TYPES = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
const host = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const widget = WIDGETS[Number(/^\/(\d+)\.html$/.exec(path)?.[1] ?? -1)];
  if (widget) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    return res.end(`${head}${widget.body}</body></html>`);
  }
  if (path.startsWith('/anchors/')) {
    const file = normalize(join(anchorsDir, 'node_modules', path.slice('/anchors/'.length)));
    if (file.startsWith(join(anchorsDir, 'node_modules')) && existsSync(file)) {
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
      // As a CDN would at best: brotli at maximum quality when the browser accepts it (measured on the wire below).
      if (/\bbr\b/.test(req.headers['accept-encoding'] ?? '') && TYPES[extname(file)]) {
        if (!brotliCache.has(file)) brotliCache.set(file, brotliCompressSync(readFileSync(file), BROTLI_MAX));
        res.writeHead(200, { ...headers, 'content-encoding': 'br', vary: 'Accept-Encoding' });
        return res.end(brotliCache.get(file));
      }
      res.writeHead(200, headers);
      return res.end(readFileSync(file));
    }
  }
  res.writeHead(404).end();
});
await new Promise((resolve) => host.listen(0, '127.0.0.1', resolve));
const hostUrl = `http://127.0.0.1:${host.address().port}`;

const median = (values) => {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return Number.NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

const browser = await launchBrowser();
const results = [];
const wire = { widgets: [], dashboard: null };
try {
  for (const [index, widget] of WIDGETS.entries()) {
    if (widget.file && !installed) {
      results.push({ name: widget.name, error: 'npm install of the anchors failed' });
      continue;
    }
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const loaded = [];
      page.on('response', async (response) => {
        const type = response.request().resourceType();
        if (type !== 'script' && type !== 'stylesheet') return;
        const body = await response.body().catch(() => null);
        if (body) loaded.push({ url: response.url(), raw: body.length, gzip: gzipSync(body, { level: 9 }).length });
      });
      const heap = async () => {
        await cdp.send('HeapProfiler.collectGarbage');
        return (await cdp.send('Runtime.getHeapUsage')).usedSize;
      };
      const entry = { error: null };
      try {
        await page.goto(`${hostUrl}/${index}.html`, { waitUntil: 'load' });
        await page.waitForFunction(() => window.__m.visible !== null, null, { timeout: 15_000 });
        await page.waitForTimeout(SETTLE_MS); // idle-time work (our panel chunk is prefetched once the page is idle)
        const m = await page.evaluate(() => window.__m);
        const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
        Object.assign(entry, {
          toVisibleMs: m.visible - m.t0,
          mainThreadMs: metrics.TaskDuration * 1000,
          scriptMs: metrics.ScriptDuration * 1000,
          longTasks: m.longTasks.length,
          longTaskMs: m.longTasks.reduce((a, b) => a + b, 0),
          cls: m.cls,
          heapBootBytes: await heap(),
        });
        if (widget.open) {
          await widget.open(page);
          await page.waitForTimeout(SETTLE_MS);
        }
        entry.heapOpenBytes = await heap();
        const after = await page.evaluate(() => window.__m);
        entry.longTasksOpen = after.longTasks.length;
        entry.loaded = loaded;
      } catch (error) {
        entry.error = String(error.message ?? error).split('\n')[0];
      }
      runs.push(entry);
      await context.close();
    }
    const ok = runs.filter((r) => !r.error);
    const pick = (key) => median(ok.map((r) => r[key]));
    const lastLoaded = ok.at(-1)?.loaded ?? [];
    results.push({
      name: widget.name,
      version: widget.file
        ? version(widget.file.startsWith('@') ? widget.file.split('/').slice(0, 2).join('/') : widget.file.split('/')[0])
        : null,
      runs: runs.length,
      failedRuns: runs.length - ok.length,
      firstError: runs.find((r) => r.error)?.error ?? null,
      toVisibleMs: pick('toVisibleMs'),
      mainThreadMs: pick('mainThreadMs'),
      scriptMs: pick('scriptMs'),
      longTasks: pick('longTasks'),
      longTasksMax: Math.max(0, ...ok.map((r) => r.longTasks)),
      runsWithLongTasks: ok.filter((r) => r.longTasks > 0 || r.longTasksOpen > 0).length,
      longTaskDurations: ok.flatMap((r) => (r.longTasks ? [r.longTaskMs] : [])),
      longTaskMs: pick('longTaskMs'),
      longTasksAfterOpen: pick('longTasksOpen'),
      cls: pick('cls'),
      heapBootBytes: pick('heapBootBytes'),
      heapOpenBytes: pick('heapOpenBytes'),
      loaded: {
        files: lastLoaded.length,
        raw: lastLoaded.reduce((n, f) => n + f.raw, 0),
        gzip: lastLoaded.reduce((n, f) => n + f.gzip, 0),
      },
    });
    const r = results.at(-1);
    console.log(`${widget.name}: ${ok.length}/${runs.length} runs${r.firstError ? ` (first error: ${r.firstError})` : ''}`);
  }
  // 4. On the wire (issue 18): ours served by our server, the anchors' npm files by the host above at brotli 11.
  Object.assign(
    wire,
    await measureOnTheWire(browser, {
      widgets: WIDGETS.flatMap((widget, index) =>
        index === 0 || (widget.file && !installed)
          ? []
          : [{ name: widget.name, url: `${hostUrl}/${index}.html`, open: widget.open }],
      ),
      dashboardUrl: printed.dashboard,
      settleMs: SETTLE_MS,
    }),
  );
} finally {
  await browser.close();
  host.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(anchorsDir, { recursive: true, force: true });
}

const base = results[0];
const kb = (n) => (Number.isFinite(n) ? `${(n / 1024).toFixed(1)} KB` : '–');
const mb = (n) => (Number.isFinite(n) ? `${(n / 2 ** 20).toFixed(2)} MB` : '–');
const msf = (n) => (Number.isFinite(n) ? `${n.toFixed(0)} ms` : '–');
const rows = [
  ['widget', 'to launcher', 'main thread +', 'long tasks', 'CLS', 'heap boot +', 'heap open +', 'JS+CSS loaded (gzip)'],
  ...results
    .slice(1)
    .map((r) =>
      r.error
        ? [r.name, r.error]
        : [
            `${r.name}${r.version ? `@${r.version}` : ''}`,
            msf(r.toVisibleMs),
            msf(r.mainThreadMs - base.mainThreadMs),
            `${r.longTasks} (${msf(r.longTaskMs)})`,
            r.cls.toFixed(3),
            mb(r.heapBootBytes - base.heapBootBytes),
            mb(r.heapOpenBytes - base.heapBootBytes),
            `${kb(r.loaded.gzip)} in ${r.loaded.files}`,
          ],
    ),
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
console.log(`\nboot in headless Chromium, median of ${RUNS} runs ("+": above the blank page's own figure)\n`);
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, c) => (c ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
console.log(
  `blank page itself: main thread ${msf(base.mainThreadMs)}, heap ${mb(base.heapBootBytes)}; "heap open" is after clicking the launcher (deep-chat has no launcher: always open)`,
);
const ours = results[1];
if (ours && !ours.error)
  console.log(
    `goal: zero long tasks from our widget → ${ours.longTasksMax === 0 && ours.longTasksAfterOpen === 0 ? 'PASS' : 'MISS'} (max over runs ${ours.longTasksMax}, after open ${ours.longTasksAfterOpen})`,
  );

printWire(wire);

mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/widget.json',
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      machine: {
        cpu: cpus()[0]?.model,
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      chromium: browser.version(),
      runs: RUNS,
      sizes,
      boot: results,
      wire: { goals: WIRE_GOALS, ...wire },
    },
    null,
    2,
  )}\n`,
);
console.log('wrote bench/results/widget.json');
