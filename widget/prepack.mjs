// `npm pack -w widget` / `npm publish -w widget`: stages the builds of `npm run build:web` into the package's dist/
// (the ES module build with its declarations, and the script-tag build with its lazy chunks beside it in widget/,
// where the loader looks for them by default). The precompressed .br/.gz siblings stay out of the package.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const esm = join(root, 'dist', 'widget-esm');
const script = join(root, 'dist', 'widget');
const out = join(import.meta.dirname, 'dist');

for (const file of [join(esm, 'index.js'), join(esm, 'react.js'), join(esm, 'index.d.ts'), join(script, 'widget.js')])
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:web\` before packing the widget`);

const plain = (source) => !/\.(br|gz)$/.test(source);
rmSync(out, { recursive: true, force: true });
cpSync(esm, out, { recursive: true, filter: plain });
cpSync(join(script, 'widget.js'), join(out, 'script', 'widget.js'));
for (const file of readdirSync(script).filter((name) => name !== 'widget.js' && plain(name)))
  cpSync(join(script, file), join(out, 'script', 'widget', file));
