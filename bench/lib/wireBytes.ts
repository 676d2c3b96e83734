// What a page costs on the wire, as Chromium received it (issue 18): used by bench/widget.mjs.
import type { Browser, Page, Request } from 'playwright-core';

export interface WireFile {
  url: string;
  resourceType: string;
  /** `Content-Encoding` of the answer (null: sent as is). */
  encoding: string | null;
  /** The body as received: compressed bytes when the server compressed it (CDP's encodedDataLength less headers). */
  bodyBytes: number;
  headerBytes: number;
}

/**
 * Runs `steps` on a page in a fresh browser context (empty cache, Chromium's own `Accept-Encoding`) and returns, for
 * each `mark(name)` the steps call, every response finished by then, with its size on the wire
 * (Playwright's `request.sizes()`).
 */
export async function loadOnTheWire(
  browser: Browser,
  steps: (page: Page, mark: (name: string) => Promise<void>) => Promise<void>,
): Promise<Record<string, WireFile[]>> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const files: WireFile[] = [];
  const pending = new Set<Promise<void>>();
  page.on('requestfinished', (request) => {
    const recorded = (async () => {
      const [sizes, response] = await Promise.all([request.sizes(), request.response()]);
      files.push({
        url: request.url(),
        resourceType: request.resourceType(),
        encoding: (await response?.headerValue('content-encoding')) ?? null,
        bodyBytes: sizes.responseBodySize,
        headerBytes: sizes.responseHeadersSize,
      });
    })().catch(() => undefined);
    pending.add(recorded);
    void recorded.finally(() => pending.delete(recorded));
  });
  const phases: Record<string, WireFile[]> = {};
  try {
    await steps(page, async (name) => {
      await Promise.all(pending);
      phases[name] = [...files];
    });
  } finally {
    await context.close();
  }
  return phases;
}

/**
 * Starts watching `page`'s requests; `quiet()` then resolves once none has been in flight for `quietMs`, not counting
 * event streams, which stay open for as long as the page does (the dashboard's live inbox: Playwright's `networkidle`
 * never comes while one is open).
 */
export function watchNetwork(page: Page, { quietMs = 500, timeoutMs = 30_000 } = {}) {
  const inFlight = new Set<Request>();
  let lastChange = performance.now();
  const changed = () => {
    lastChange = performance.now();
  };
  page.on('request', (request) => {
    inFlight.add(request);
    changed();
  });
  const settled = (request: Request) => {
    inFlight.delete(request);
    changed();
  };
  page.on('requestfinished', settled);
  page.on('requestfailed', settled);
  page.on('response', (response) => {
    if (response.headers()['content-type']?.startsWith('text/event-stream')) settled(response.request());
  });
  return {
    async quiet(): Promise<void> {
      const deadline = performance.now() + timeoutMs;
      while (inFlight.size > 0 || performance.now() - lastChange < quietMs) {
        if (performance.now() > deadline)
          throw new Error(`network not quiet after ${timeoutMs} ms: ${[...inFlight].map((r) => r.url()).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

/** Bytes and count of the files that match. */
export function total(files: WireFile[], match: (file: WireFile) => boolean = () => true) {
  const picked = files.filter(match);
  return {
    files: picked.length,
    bodyBytes: picked.reduce((n, f) => n + f.bodyBytes, 0),
    headerBytes: picked.reduce((n, f) => n + f.headerBytes, 0),
    encodings: [...new Set(picked.map((f) => f.encoding ?? 'none'))],
  };
}

/** Issue 18's goals, in bytes of response bodies as received. */
export const WIRE_GOALS = { firstLoad: 4 * 1024, open: 26 * 1024, dashboard: 100 * 1024 };

type Totals = ReturnType<typeof total>;
export interface WidgetOnTheWire {
  name: string;
  error?: string;
  /** Scripts and stylesheets requested before the launcher showed. */
  firstLoad?: Totals;
  /** Scripts and stylesheets loaded until the chat is open (ours: the panel chunk, prefetched when idle). */
  openCode?: Totals;
  /** Our API's answers until the chat is open. */
  openApi?: Totals;
  /** Everything but the host page itself. */
  openAll?: Totals;
}
export interface OnTheWire {
  widgets: WidgetOnTheWire[];
  dashboard: { error?: string; all?: Totals; code?: Totals; api?: Totals; files?: unknown[] } | null;
}

const isCode = (f: WireFile) => f.resourceType === 'script' || f.resourceType === 'stylesheet';
const isApi = (f: WireFile) => new URL(f.url).pathname.startsWith('/v1/');
const firstLine = (error: unknown) => String((error as Error)?.message ?? error).split('\n')[0] ?? '';

/**
 * One cold load of each widget's host page (until its launcher shows, then until its chat is open) and of the
 * dashboard (local mode, until the network is idle but for its live event stream, which stays open). The host pages
 * set `window.__m.visible` (bench/widget.mjs).
 */
export async function measureOnTheWire(
  browser: Browser,
  options: {
    widgets: { name: string; url: string; open?: (page: Page) => Promise<unknown> }[];
    dashboardUrl: string;
    settleMs: number;
  },
): Promise<OnTheWire> {
  const result: OnTheWire = { widgets: [], dashboard: null };
  for (const widget of options.widgets) {
    let beforeVisible: string[] = [];
    try {
      const phases = await loadOnTheWire(browser, async (page, mark) => {
        await page.goto(widget.url, { waitUntil: 'load' });
        await page.waitForFunction(() => (window as unknown as { __m: { visible: unknown } }).__m.visible !== null, null, {
          timeout: 15_000,
        });
        // What was requested before the launcher showed (an idle-time prefetch starts after): Resource Timing shares
        // the clock of the page's own mark.
        beforeVisible = await page.evaluate(() => {
          const visible = (window as unknown as { __m: { visible: number } }).__m.visible;
          return performance
            .getEntriesByType('resource')
            .filter((entry) => entry.startTime <= visible)
            .map((entry) => entry.name);
        });
        await mark('boot');
        await page.waitForTimeout(options.settleMs); // our panel chunk is prefetched once the page is idle
        if (widget.open) await widget.open(page);
        await page.waitForTimeout(options.settleMs);
        await mark('open');
      });
      const boot = phases.boot ?? [];
      const open = phases.open ?? [];
      result.widgets.push({
        name: widget.name,
        firstLoad: total(boot, (f) => isCode(f) && beforeVisible.includes(f.url)),
        openCode: total(open, isCode),
        openApi: total(open, isApi),
        openAll: total(open, (f) => f.url !== widget.url),
      });
    } catch (error) {
      result.widgets.push({ name: widget.name, error: firstLine(error) });
    }
  }
  try {
    const phases = await loadOnTheWire(browser, async (page, mark) => {
      const network = watchNetwork(page);
      await page.goto(options.dashboardUrl, { waitUntil: 'load' });
      await network.quiet();
      await page.waitForTimeout(options.settleMs);
      await mark('load');
    });
    const load = phases.load ?? [];
    result.dashboard = {
      all: total(load),
      code: total(load, isCode),
      api: total(load, isApi),
      files: load.map((f) => ({ path: new URL(f.url).pathname, encoding: f.encoding, bodyBytes: f.bodyBytes })),
    };
  } catch (error) {
    result.dashboard = { error: firstLine(error) };
  }
  return result;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const verdict = (actual: number, limit: number) => `${actual <= limit ? 'PASS' : 'MISS'} ${kb(actual)} <= ${kb(limit)}`;

/** The table and the goals' verdicts. */
export function printWire(wire: OnTheWire): void {
  const rows = [
    ['widget', 'first load (code)', 'to open the chat (code)', '+ API answers', '+ response headers', 'codings'],
    ...wire.widgets.map((w) =>
      w.error || !w.firstLoad || !w.openCode || !w.openApi || !w.openAll
        ? [w.name, w.error ?? '–']
        : [
            w.name,
            kb(w.firstLoad.bodyBytes),
            `${kb(w.openCode.bodyBytes)} in ${w.openCode.files}`,
            kb(w.openApi.bodyBytes),
            kb(w.openAll.headerBytes),
            w.openCode.encodings.join('+'),
          ],
    ),
  ];
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  console.log('\non the wire in Chromium: one cold load, response bodies as received (ours compressed by our server,');
  console.log("the anchors' npm files by the bench at brotli 11, as a CDN would at best)\n");
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  const ours = wire.widgets.find((w) => w.name === 'ours' && !w.error);
  if (ours?.firstLoad && ours.openCode) {
    console.log(`goal: widget first load → ${verdict(ours.firstLoad.bodyBytes, WIRE_GOALS.firstLoad)}`);
    console.log(`goal: everything to open the chat (code) → ${verdict(ours.openCode.bodyBytes, WIRE_GOALS.open)}`);
  }
  const dash = wire.dashboard;
  if (dash?.all && dash.code && dash.api) {
    console.log(
      `dashboard first load (local mode): ${kb(dash.all.bodyBytes)} in ${dash.all.files} responses (code ${kb(dash.code.bodyBytes)}, API ${kb(dash.api.bodyBytes)}; headers ${kb(dash.all.headerBytes)} more)`,
    );
    console.log(`goal: dashboard first load → ${verdict(dash.all.bodyBytes, WIRE_GOALS.dashboard)}`);
  } else console.log(`dashboard not measured: ${dash?.error ?? '–'}`);
}
