import resolve from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

const plugins = () => [
  resolve({ extensions: ['.ts', '.tsx', '.mjs', '.js'] }),
  esbuild({ target: 'es2020', minify: true, jsx: 'automatic', jsxImportSource: 'preact', tsconfig: 'widget/tsconfig.json' }),
];

/** The script-tag entry (`dist/widget/widget.js`). */
export default [
  {
    input: 'widget/src/web.ts',
    output: { file: 'dist/widget/widget.js', format: 'iife' },
    plugins: plugins(),
  },
];
