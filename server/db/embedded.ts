import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EmbeddedDatabaseUnavailable } from './ferretdbBinary.js';

export interface EmbeddedDatabase {
  /** MongoDB URI without a database name, e.g. `mongodb://127.0.0.1:40123/`. */
  readonly baseUri: string;
  readonly port: number;
  readonly pid: number;
  uri(dbName: string): string;
  /** SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartOptions {
  binary: string;
  dataDir: string;
  /** A fixed port (e.g. to restart on the same address); a free one when omitted. */
  port?: number;
  log?: (message: string) => void;
  readyTimeoutMs?: number;
  /** More FerretDB flags (a test compares results with `--test-disable-pushdown`). */
  extraArgs?: string[];
  /**
   * SQLite's `synchronous` with WAL: `NORMAL` (default) syncs the log at checkpoints, not at every commit, so a crash of
   * any process loses nothing and a power loss may lose the last commits (docs/embedded-database.md); `FULL` syncs
   * every commit (the bench's baseline).
   */
  synchronous?: 'NORMAL' | 'FULL';
}

const DB_NAME = /^[a-zA-Z0-9_-]{1,63}$/;

export function assertDatabaseName(name: string): string {
  if (!DB_NAME.test(name)) throw new Error(`Invalid database name "${name}" (must match ${DB_NAME})`);
  return name;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Is a process with this pid running (signal 0 checks without sending)? */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** A FerretDB left running by a crashed server still holds the SQLite files: stop it first. */
async function replaceStaleProcess(pidFile: string, sqliteDir: string, log: (m: string) => void) {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return;
  }
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && commandLine(pid).includes(sqliteDir)) {
    log(`Stopping a stale embedded database (pid ${pid}) left by an earlier run`);
    process.kill(pid, 'SIGTERM');
    if (!(await waitForExit(pid, 5000))) process.kill(pid, 'SIGKILL');
    await waitForExit(pid, 2000);
  }
  rmSync(pidFile, { force: true });
}

/**
 * Starts FerretDB (SQLite backend) as a child process on a loopback port, with its data in
 * `<dataDir>/db/`, and resolves once it logs that it is listening.
 */
export async function startEmbeddedDatabase(options: StartOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => {});
  const sqliteDir = join(options.dataDir, 'db');
  mkdirSync(sqliteDir, { recursive: true });
  const pidFile = join(options.dataDir, 'ferretdb.pid');
  await replaceStaleProcess(pidFile, `${sqliteDir}/`, log);

  const port = options.port ?? (await freePort());
  const args = [
    '--handler=sqlite',
    // BEGIN IMMEDIATE: FerretDB's updates read then write inside a deferred transaction, and in WAL
    // mode SQLite fails such an upgrade with SQLITE_BUSY at once (no busy wait) when another write
    // committed meanwhile, which surfaced as errors under concurrent sends. Writers then queue on
    // the busy timeout (FerretDB's default 10 s, raised for bursts on a loaded machine). The busy timeout must come
    // before WAL is enabled (FerretDB adds `journal_mode(wal)` after what we give).
    `--sqlite-url=file:${sqliteDir}/?_txlock=immediate&_pragma=busy_timeout(30000)&_pragma=synchronous(${options.synchronous ?? 'NORMAL'})`,
    `--listen-addr=127.0.0.1:${port}`,
    '--state-dir=-',
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-format=json',
    '--log-level=warn',
    ...(options.extraArgs ?? []),
  ];
  let child: ChildProcess;
  try {
    // Go's collector at GOGC=400 instead of 100: reading decodes and drops a few objects per field of every document,
    // and collecting 4× less often cut the database's CPU for an export by ~24% (bench:export; docs/export-speed.md).
    child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { GOGC: '400', ...process.env } });
  } catch (error) {
    throw new EmbeddedDatabaseUnavailable(
      `The embedded database could not start (${(error as Error).message}); set MONGODB_URI to use MongoDB.`,
    );
  }

  const recent: string[] = [];
  const ready = new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new EmbeddedDatabaseUnavailable(`The embedded database did not become ready in time: ${recent.join(' ').slice(-300)}`),
        ),
      options.readyTimeoutMs ?? 30_000,
    );
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 5) recent.shift();
      // FerretDB logs "Listening on 127.0.0.1:PORT ..." (at info level, which we filter out),
      // so readiness is also detected by connecting to the port.
      if (/listening/i.test(line)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', onLine);
    }
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new EmbeddedDatabaseUnavailable(
          `The embedded database could not start (${error.message}); rebuild it or set MONGODB_URI to use MongoDB.`,
        ),
      );
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new EmbeddedDatabaseUnavailable(
          `The embedded database exited at start (${signal ?? `code ${code}`}): ${recent.join(' ').slice(-300) || 'no output'}`,
        ),
      );
    });
    void pollPort(port, () => !child.killed && child.exitCode === null).then(() => {
      clearTimeout(timer);
      resolveReady();
    });
  });

  try {
    await ready;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid as number;
  writeFileSync(pidFile, String(pid));
  log(`Embedded database (FerretDB, SQLite in ${sqliteDir}) listening on 127.0.0.1:${port}`);

  let stopping: Promise<void> | undefined;
  const baseUri = `mongodb://127.0.0.1:${port}/`;
  return {
    baseUri,
    port,
    pid,
    uri: (dbName) => `mongodb://127.0.0.1:${port}/${assertDatabaseName(dbName)}?directConnection=true`,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise<void>((r) => child.once('exit', () => r()));
          child.kill('SIGTERM');
          const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
          if ((await Promise.race([exited, timeout])) === 'timeout') {
            child.kill('SIGKILL');
            await exited;
          }
        }
        rmSync(pidFile, { force: true });
      })();
      return stopping;
    },
  };
}

async function pollPort(port: number, stillRunning: () => boolean): Promise<void> {
  const { connect } = await import('node:net');
  while (stillRunning()) {
    const ok = await new Promise<boolean>((r) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        r(true);
      });
      socket.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  return new Promise(() => {});
}
