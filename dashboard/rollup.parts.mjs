import { readFileSync, rmSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import { transform } from 'esbuild';
import esbuild from 'rollup-plugin-esbuild';
import { precompress } from '../scripts/precompress.mjs';

/**
 * Emits the pages and the one stylesheet beside the bundle. Pages reference assets by absolute
 * `/dashboard/…` paths because history routing serves index.html at any depth; no inline script or
 * style, so the server's CSP can forbid both. Every asset name carries a content hash (the server caches
 * them as immutable); the pages are rewritten to those names, with a modulepreload for each static import.
 */
const staticFiles = () => ({
  name: 'dashboard-static',
  buildStart() {
    // Hashed chunks from earlier builds would otherwise pile up in dist/dashboard/assets.
    rmSync('dist/dashboard', { recursive: true, force: true });
    for (const file of ['dashboard/index.html', 'dashboard/preview.html', 'dashboard/src/styles.css']) this.addWatchFile(file);
  },
  async generateBundle(_options, bundle) {
    const css = await transform(readFileSync('dashboard/src/styles.css', 'utf8'), {
      loader: 'css',
      minify: true,
      target: 'chrome100',
    });
    const cssFile = this.getFileName(this.emitFile({ type: 'asset', name: 'app.css', source: css.code }));
    const entries = Object.values(bundle).filter((file) => file.type === 'chunk' && file.isEntry);
    const page = (html) =>
      html
        .replace('/dashboard/assets/app.css', `/dashboard/${cssFile}`)
        .replace(/<script type="module" src="\/dashboard\/assets\/(\w+)\.js"><\/script>/, (tag, name) => {
          const chunk = entries.find((entry) => entry.name === name);
          if (!chunk) throw new Error(`no entry chunk named ${name}`);
          const preloads = chunk.imports.map((file) => `<link rel="modulepreload" href="/dashboard/${file}" />\n    `);
          return `${preloads.join('')}${tag.replace(`assets/${name}.js`, chunk.fileName)}`;
        });
    for (const file of ['index.html', 'preview.html'])
      this.emitFile({ type: 'asset', fileName: file, source: page(readFileSync(`dashboard/${file}`, 'utf8')) });
  },
});

/** The dashboard single-page app and its widget preview page (`dist/dashboard/`). */
export default [
  {
    input: { app: 'dashboard/src/main.tsx', preview: 'dashboard/src/preview/previewPage.ts' },
    output: {
      dir: 'dist/dashboard',
      format: 'es',
      entryFileNames: 'assets/[name]-[hash].js',
      chunkFileNames: 'assets/[name]-[hash].js',
      assetFileNames: 'assets/[name]-[hash][extname]',
    },
    plugins: [
      replace({
        preventAssignment: true,
        values: {
          'process.env.NODE_ENV': JSON.stringify('production'),
          // Clerk's loaders for remotely hosted clerk-js/UI become dead code: both are bundled.
          __BUILD_DISABLE_RHC__: 'true',
        },
      }),
      // Clerk's wallet SDKs want the `buffer` polyfill package, not Node's built-in.
      resolve({ browser: true, preferBuiltins: false, extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
      commonjs(),
      esbuild({
        target: 'es2022',
        minify: true,
        jsx: 'automatic',
        jsxImportSource: 'react',
        tsconfig: 'dashboard/tsconfig.json',
      }),
      staticFiles(),
      precompress(),
    ],
    onwarn(warning, warn) {
      // Third-party ESM (Clerk, its wallet SDKs) uses top-level `this` and `"use client"` directives harmlessly.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
      warn(warning);
    },
  },
];
