import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  dataDir: string;
  /** The local admin token from the printed dashboard link. */
  adminToken: string;
  /** The demo site's public key, as printed. */
  demoSiteKey: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything the process wrote, for failure messages. */
  output(): string;
  /** Removes its data folder (after it exited). */
  cleanUp(): void;
}

/**
 * `server/main.ts` spawned (from the sources through tsx) on a free port and its own data folder, not yet started.
 * `launcher`: a command that runs Node for it (e.g. `['faketime', '-f', '+1h']`).
 */
export function spawnServerProcess(env: Record<string, string> = {}, cwd = root, launcher: string[] = []) {
  const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-process-'));
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const [command = process.execPath, ...args] = [...launcher, process.execPath, '--import', tsx, join(root, 'server', 'main.ts')];
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, MONGODB_URI: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  return { child, dataDir, exited, cleanUp: () => rmSync(dataDir, { recursive: true, force: true }) };
}

/**
 * `server/main.ts` as its own process (the real start-up, signals and exit codes), from the sources through tsx, on a
 * free port and its own data folder, in `cwd` (the repository by default). Resolves once it printed its URLs.
 */
export async function startServerProcess(
  env: Record<string, string> = {},
  cwd = root,
  launcher: string[] = [],
): Promise<ServerProcess> {
  const { child, dataDir, exited, cleanUp } = spawnServerProcess(env, cwd, launcher);
  let output = '';
  child.stderr?.on('data', (chunk) => (output += chunk));
  const printed = await new Promise<{ url: string; adminToken: string; demoSiteKey: string }>((resolveStart, reject) => {
    child.stdout?.on('data', (chunk) => {
      output += chunk;
      const url = /Health:\s+(http:\/\/\S+)\/readyz/.exec(output)?.[1];
      const adminToken = /#token=(\S+)/.exec(output)?.[1];
      const demoSiteKey = /Demo site key: (pk_\S+)/.exec(output)?.[1];
      if (url && adminToken && demoSiteKey) resolveStart({ url, adminToken, demoSiteKey });
    });
    void exited.then((code) => reject(new Error(`server exited early (${code}):\n${output}`)));
  });
  return {
    child,
    pid: child.pid as number,
    ...printed,
    dataDir,
    exited,
    output: () => output,
    cleanUp,
  };
}
