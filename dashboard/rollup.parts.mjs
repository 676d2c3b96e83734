import { readFileSync, rmSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import { transform } from 'esbuild';
import esbuild from 'rollup-plugin-esbuild';

/**
 * Emits the pages and the one stylesheet beside the bundle. Pages reference assets by absolute
 * `/dashboard/…` paths because history routing serves index.html at any depth; no inline script or
 * style, so the server's CSP can forbid both.
 */
const staticFiles = () => ({
  name: 'dashboard-static',
  buildStart() {
    // Hashed chunks from earlier builds would otherwise pile up in dist/dashboard/assets.
    rmSync('dist/dashboard', { recursive: true, force: true });
    for (const file of ['dashboard/index.html', 'dashboard/preview.html', 'dashboard/src/styles.css']) this.addWatchFile(file);
  },
  async generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'index.html', source: readFileSync('dashboard/index.html', 'utf8') });
    this.emitFile({ type: 'asset', fileName: 'preview.html', source: readFileSync('dashboard/preview.html', 'utf8') });
    const css = await transform(readFileSync('dashboard/src/styles.css', 'utf8'), {
      loader: 'css',
      minify: true,
      target: 'chrome100',
    });
    this.emitFile({ type: 'asset', fileName: 'assets/app.css', source: css.code });
  },
});

/** The dashboard single-page app and its widget preview page (`dist/dashboard/`). */
export default [
  {
    input: { app: 'dashboard/src/main.tsx', preview: 'dashboard/src/preview/previewPage.ts' },
    output: {
      dir: 'dist/dashboard',
      format: 'es',
      entryFileNames: 'assets/[name].js',
      chunkFileNames: 'assets/[name]-[hash].js',
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
    ],
    onwarn(warning, warn) {
      // Third-party ESM (Clerk, its wallet SDKs) uses top-level `this` and `"use client"` directives harmlessly.
      if (warning.code === 'THIS_IS_UNDEFINED' || warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
      warn(warning);
    },
  },
];
