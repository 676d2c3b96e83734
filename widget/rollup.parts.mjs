import { rmSync } from 'node:fs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import esbuild from 'rollup-plugin-esbuild';
import { minify } from 'terser';
import { precompress } from '../scripts/precompress.mjs';
import { writeDeclarations } from './declarations.mjs';

/** The ESM build's entries: the page API and the React binding (`@chatwidget/widget` and `…/react`). */
const ESM_ENTRIES = { index: 'widget/src/index.ts', react: 'widget/src/react/index.ts' };

const plugins = () => [
  // query-core reads process.env.NODE_ENV for its dev-only checks; browsers have no `process` (a ReferenceError there).
  replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
  resolve({ extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
  esbuild({ target: 'es2022', minify: true, jsx: 'automatic', jsxImportSource: 'preact', tsconfig: 'widget/tsconfig.json' }),
];

/** Terser after esbuild's minifier: its repeated compress passes take about 900 B more off the gzip total. */
const terser = {
  name: 'terser',
  async renderChunk(code, _chunk, options) {
    const module = options.format === 'es';
    const result = await minify(code, { module, ecma: 2020, compress: { passes: 3 }, sourceMap: false });
    return { code: result.code ?? code, map: null };
  },
};

// The ES build runs first (Rollup builds a config array in order) and records the hashed panel chunk's name,
// which the script-tag loader then imports at run time.
let panelFile = '';
/** Old hashed chunks would linger and count against the budget: start from empty folders. */
const clean = {
  name: 'clean',
  buildStart() {
    for (const dir of ['dist/widget', 'dist/widget-esm']) rmSync(dir, { recursive: true, force: true });
  },
};
const recordPanel = {
  name: 'record-panel-chunk',
  generateBundle(_options, bundle) {
    const chunk = Object.values(bundle).find((c) => c.type === 'chunk' && c.isEntry);
    if (chunk) panelFile = chunk.fileName;
  },
};
const injectPanel = {
  name: 'inject-panel-chunk',
  transform(code, id) {
    if (!id.endsWith('widget/src/web.ts')) return null;
    if (!panelFile) throw new Error('the panel chunk must be built before the loader');
    return code.replace(/declare const __PANEL_FILE__: string;/, '').replaceAll('__PANEL_FILE__', JSON.stringify(panelFile));
  },
};

/** Self-contained declarations of the ESM build's entries (`widget/declarations.mjs`). */
const declarations = {
  name: 'declarations',
  writeBundle: () => writeDeclarations(ESM_ENTRIES, 'dist/widget-esm'),
};

/**
 * React reads `'use client'` at the top of a module to render it only in the browser (Next.js server components);
 * bundling drops module directives, so it is put back on the React binding's output.
 */
const useClient = {
  name: 'use-client',
  renderChunk: (code, chunk) => (chunk.name === 'react' ? `'use client';\n${code}` : null),
};

export default [
  // The panel chunk (Preact, signals, query-core, the chat), loaded by the script tag on first open or when idle, and
  // the handoff chunk it loads when a person is asked for.
  {
    input: 'widget/src/panel/mountPanel.tsx',
    output: { dir: 'dist/widget', format: 'es', entryFileNames: 'panel-[hash].js', plugins: [terser, recordPanel] },
    // The lazy handoff chunk imports what it shares with the panel from the panel itself (no third, shared chunk).
    preserveEntrySignatures: 'allow-extension',
    plugins: [clean, ...plugins(), precompress()],
  },
  // The script-tag entry: the loader and launcher as a classic script.
  {
    input: 'widget/src/web.ts',
    output: { file: 'dist/widget/widget.js', format: 'iife', plugins: [terser] },
    plugins: [injectPanel, ...plugins(), precompress()],
  },
  // ESM for bundlers and <script type=module> (self-contained, with types) and the React binding, outside
  // dist/widget/ so the script tag's budget counts only what the tag loads.
  {
    input: ESM_ENTRIES,
    // The React binding imports React from the host app and the widget from `index.js`: one widget, one React.
    external: ['react'],
    output: {
      dir: 'dist/widget-esm',
      format: 'es',
      entryFileNames: '[name].js',
      // Shared and lazy chunks named for their first module (the page API's, the panel, the handoff).
      chunkFileNames: '[name]-[hash].js',
      plugins: [terser, useClient],
    },
    plugins: [...plugins(), declarations, precompress()],
  },
];
