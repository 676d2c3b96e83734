// `npm start`: the embedded database binary, the browser bundles when their sources changed, then the
// server from its sources (tsx). Production runs `npm run build` and `node dist/server/main.js`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadDatabaseSetup, readDotEnvFile } from '../server/config.js';
import { EmbeddedDatabaseUnavailable, ensureFerretdbBinary } from '../server/db/ferretdbBinary.js';
import { parentExited } from '../server/lib/parentWatch.js';

const root = join(import.meta.dirname, '..');
const sources = ['widget', 'dashboard', 'contract', 'rollup.config.mjs', 'package-lock.json'];
const outputs = ['dist/widget/widget.js', 'dist/dashboard/index.html', 'dist/widget-esm/index.js'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function bundlesAreStale(): boolean {
  const built = outputs.map((file) => join(root, file));
  if (!built.every((file) => existsSync(file))) return true;
  const oldestOutput = Math.min(...built.map((file) => statSync(file).mtimeMs));
  return sources.some((source) => existsSync(join(root, source)) && newestMtime(join(root, source)) > oldestOutput);
}

// Settings from a `.env` in the working directory (the real environment wins), before anything reads them.
readDotEnvFile();
try {
  const setup = loadDatabaseSetup();
  if (!setup.MONGODB_URI) ensureFerretdbBinary(setup, (line) => console.log(line));
} catch (error) {
  if (!(error instanceof EmbeddedDatabaseUnavailable || error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
if (bundlesAreStale()) {
  console.log('Building the widget and the dashboard…');
  const build = spawnSync('npx', ['rollup', '-c', 'rollup.config.mjs', '--silent'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  // Stopped (npm signalled) while building: do not start a server nobody waits for.
  if (parentExited()) process.exit(0);
}
await import('../server/main.js');
