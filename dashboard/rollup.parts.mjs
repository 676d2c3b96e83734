import { readFileSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import resolve from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import esbuild from 'rollup-plugin-esbuild';

/** Emits `index.html` beside the bundle. */
const html = () => ({
  name: 'dashboard-html',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'index.html', source: readFileSync('dashboard/index.html', 'utf8') });
  },
});

/** The dashboard single-page app (`dist/dashboard/`). */
export default [
  {
    input: 'dashboard/src/main.tsx',
    output: { dir: 'dist/dashboard', format: 'es', entryFileNames: 'assets/app.js', chunkFileNames: 'assets/[name]-[hash].js' },
    plugins: [
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': JSON.stringify('production') } }),
      resolve({ browser: true, extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
      commonjs(),
      esbuild({
        target: 'es2022',
        minify: true,
        jsx: 'automatic',
        jsxImportSource: 'react',
        tsconfig: 'dashboard/tsconfig.json',
      }),
      html(),
    ],
  },
];
