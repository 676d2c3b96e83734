// Widget size benchmark: run after `npm run build:web`. Prints raw / gzip -9 / brotli per file in dist/widget/,
// checks the two budgets (the loader; everything a visitor loads to open the chat, which leaves out the rarely used
// parts loaded on demand, listed apart), and measures the anchors (the file each one's docs tell a site to load) from their npm
// packages installed into a temporary folder in the same run. Writes bench/results/widget-size.json; exits 0.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const DIST = 'dist/widget';
const LOADER_BUDGET = 5 * 1024;
const TOTAL_BUDGET = 30 * 1024;
/** Chunks the panel loads only when a feature is used (the handoff: when a person is asked for; the lead form). */
const RARELY_USED = [
  { prefix: 'handoff-', what: 'handoff (loaded when a person is asked for)' },
  { prefix: 'lead-', what: 'lead form (loaded when the site asks for it)' },
];
const rarelyUsed = (file) => RARELY_USED.find((part) => file.startsWith(part.prefix));
const ANCHORS = [
  // deep-chat docs: <script type="module" src="https://unpkg.com/deep-chat@…/dist/deepChat.bundle.js">
  { name: 'deep-chat', file: 'dist/deepChat.bundle.js' },
  // Typebot docs: import Typebot from 'https://cdn.jsdelivr.net/npm/@typebot.io/js@…/dist/web.js'
  { name: '@typebot.io/js', file: 'dist/web.js' },
  // Flowise docs: import Chatbot from 'https://cdn.jsdelivr.net/npm/flowise-embed/dist/web.js'
  { name: 'flowise-embed', file: 'dist/web.js' },
];

const measure = (buf) => ({
  raw: buf.length,
  gzip: gzipSync(buf, { level: 9 }).length,
  // The same settings as the build's precompressed `.br` files (scripts/precompress.mjs).
  brotli: brotliCompressSync(buf, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  }).length,
});
const kb = (n) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
const row = (name, m) => `${name.padEnd(44)}${kb(m.raw)}${kb(m.gzip)}${kb(m.brotli)}`;
// The build's precompressed siblings (.br, .gz) are copies of the files, not more to load.
const walk = (dir) =>
  readdirSync(dir)
    .filter((f) => !/\.(?:br|gz)$/.test(f))
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

const result = { measuredAt: new Date().toISOString(), files: [], total: null, rarelyUsed: [], budgets: [], anchors: [] };
if (!existsSync(join(DIST, 'widget.js'))) {
  console.log(`${DIST}/widget.js is missing: run \`npm run build:web\` first.`);
} else {
  console.log(`${'file (dist/widget/)'.padEnd(44)}${'raw'.padStart(9)}${'gzip -9'.padStart(9)}${'brotli'.padStart(9)}`);
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of walk(DIST).sort()) {
    const m = measure(readFileSync(file));
    const name = relative(DIST, file);
    const part = rarelyUsed(name);
    if (part) {
      result.rarelyUsed.push({ file: name, what: part.what, ...m });
      continue;
    }
    result.files.push({ file: name, ...m });
    for (const k of Object.keys(total)) total[k] += m[k];
    console.log(row(name, m));
  }
  result.total = total;
  console.log(row('total to open the chat', total));
  for (const part of result.rarelyUsed) console.log(row(`+ ${part.file} (rarely used)`, part));
  const loader = result.files.find((f) => f.file === 'widget.js');
  result.budgets = [
    { name: 'widget.js (loader + launcher) gzip', limit: LOADER_BUDGET, actual: loader.gzip },
    { name: 'everything to open the chat gzip', limit: TOTAL_BUDGET, actual: total.gzip },
  ].map((b) => ({ ...b, pass: b.actual <= b.limit }));
  console.log('');
  for (const b of result.budgets)
    console.log(`${b.pass ? 'PASS' : 'FAIL'} ${b.name}: ${kb(b.actual).trim()} <= ${kb(b.limit).trim()}`);
}

const tmp = mkdtempSync(join(tmpdir(), 'widget-anchors-'));
try {
  execFileSync(
    'npm',
    ['i', '--prefix', tmp, '--no-save', '--no-audit', '--no-fund', '--ignore-scripts', ...ANCHORS.map((a) => a.name)],
    {
      stdio: 'ignore',
    },
  );
  console.log(`\n${'anchor (what a site loads)'.padEnd(44)}${'raw'.padStart(9)}${'gzip -9'.padStart(9)}${'brotli'.padStart(9)}`);
  for (const anchor of ANCHORS) {
    const dir = join(tmp, 'node_modules', anchor.name);
    const path = join(dir, anchor.file);
    if (!existsSync(path)) {
      console.log(`${anchor.name}: ${anchor.file} not found in the package`);
      continue;
    }
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const m = measure(readFileSync(path));
    result.anchors.push({ name: anchor.name, version, file: anchor.file, ...m });
    console.log(row(`${anchor.name}@${version} ${anchor.file}`, m));
  }
  if (result.total) console.log(row('ours: everything to open the chat', result.total));
} catch (error) {
  console.log(`\nanchors not measured (npm install failed: ${error.message.split('\n')[0]})`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/widget-size.json', `${JSON.stringify(result, null, 2)}\n`);
console.log('\nwrote bench/results/widget-size.json');
