import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort } from '../db/embedded.js';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A real `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback port, in memory only, for tests
 * that need Redis. Stopped by `stop()`, and with the test process at the latest. `port`: a restart where clients
 * already point.
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  await new Promise<void>((resolveReady, reject) => {
    const failed = (error: unknown) => reject(new Error(`redis-server did not start: ${String(error)}\n${output}`));
    child.once('error', failed);
    exited.then(() => failed('it exited'), failed);
    const deadline = performance.now() + 10_000;
    const probe = async () => {
      const { Socket } = await import('node:net');
      const socket = new Socket();
      socket.once('connect', () => {
        socket.write('PING\r\n');
      });
      socket.once('data', (data) => {
        socket.destroy();
        if (data.toString().startsWith('+PONG')) resolveReady();
        else retry();
      });
      socket.once('error', () => {
        socket.destroy();
        retry();
      });
      socket.connect(port, '127.0.0.1');
    };
    const retry = () => {
      if (performance.now() > deadline) failed('timeout');
      else setTimeout(probe, 50);
    };
    void probe();
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      process.off('exit', kill);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited.catch(() => {});
    },
  };
}
