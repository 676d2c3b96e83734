import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from './db/embedded.js';

const root = join(import.meta.dirname, '..');
const folders: string[] = [];
const spawned: ChildProcess[] = [];
afterAll(() => {
  // Only if a test failed half-way: the process group of what it started.
  for (const child of spawned) if (child.pid && isAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const tempFolder = (prefix: string) => {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
};

/** Every live process below `pid` (read from /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process ended while we read.
    }
  }
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolveWait) => setTimeout(resolveWait, 100));
  }
  return true;
}

/**
 * What a process manager does: start `npm <args>` (in its own process group, so a failed test can clean up), wait
 * until the server printed its URLs, signal the npm process's pid only, and check that nothing it started is left.
 */
async function signalOnlyNpm(args: string[], signal: NodeJS.Signals) {
  const dataDir = tempFolder('chatwidget-npm-');
  const child = spawn('npm', args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MONGODB_URI: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' },
  });
  spawned.push(child);
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));
  const url = await new Promise<string>((resolveStart, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const printed = /Health:\s+(http:\/\/\S+)\/readyz/.exec(output)?.[1];
      if (printed) resolveStart(printed);
    });
    void exited.then(() => reject(new Error(`npm ${args.join(' ')} exited early:\n${output}`)));
  });
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  const started = descendants(child.pid as number);
  const ferretPid = Number(readFileSync(join(dataDir, 'ferretdb.pid'), 'utf8'));
  expect(started).toContain(ferretPid);

  process.kill(child.pid as number, signal);
  await exited;
  const stopped = await until(() => [...started, ferretPid].every((pid) => !isAlive(pid)), 20_000);
  expect(stopped, `still running: ${started.filter(isAlive).join(', ')}\n${output}`).toBe(true);
}

describe('stopping npm start and npm run start:prod', () => {
  beforeAll(() => {
    // `start:prod` runs the compiled server.
    execFileSync('npm', ['run', 'build:server', '--silent'], { cwd: root, stdio: 'inherit' });
  }, 300_000);

  it('SIGTERM to the npm start process stops the server and the embedded database', async () => {
    await signalOnlyNpm(['start'], 'SIGTERM');
  }, 240_000);

  it('SIGINT to the npm run start:prod process stops the server and the embedded database', async () => {
    expect(existsSync(join(root, 'dist', 'server', 'main.js'))).toBe(true);
    await signalOnlyNpm(['run', 'start:prod'], 'SIGINT');
  }, 120_000);
});

describe('first start without Go and without MONGODB_URI', () => {
  it('says in one sentence what to install or set, and exits non-zero', () => {
    const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
    let failure: { status: number; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, ['--import', tsx, 'scripts/start.ts'], {
        cwd: root,
        stdio: 'pipe',
        encoding: 'utf8',
        // No PATH (so no `go`) and an empty cache (so no binary built before).
        env: { HOME: tempFolder('chatwidget-home-'), XDG_CACHE_HOME: tempFolder('chatwidget-cache-'), PATH: '' },
      });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr.trim()).toMatch(/^The embedded database needs Go .*install Go, or set MONGODB_URI to use MongoDB\.$/);
  });
});
