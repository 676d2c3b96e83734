import { createRequire } from 'node:module';

/**
 * A hang in the MongoDB driver (mongodb 7.x, up to 7.9.1 at least), worked around here. `Connection.writeCommand`
 * writes a command, and when `socket.write` returns false it waits for the socket's `drain` or `error`. A socket that
 * was destroyed without an error (the database closed the connection: its end was read, then the socket destroyed
 * itself) answers every write with false and emits neither. Its `close` comes one turn of the event loop later and
 * makes the connection clean up, but the cleanup rejects only a read in progress, not that wait: the command never
 * settles, and whatever awaits it (a send holding its conversation's lock) waits forever. A connection checked out in
 * that turn meets it: seen in the outage test with the embedded database reached over a Unix socket (an experiment,
 * docs/embedded-database.md), one run in two (a send started as the database stopped was still open after it came
 * back); over TCP the window is narrower but the same.
 *
 * The fix: when a connection cleans up while a write of it waits for `drain`, its socket emits the connection's error,
 * which rejects the wait (the driver listens for `error` beside `drain`) with a network error, the same as any command
 * cut by the database going away (503, and retried where the driver retries). Applied once per process, to the driver
 * Mongoose loads; if the driver's internals change shape, nothing is applied and `applied` is false.
 */

interface DriverConnection {
  closed: boolean;
  error: Error | null;
  socket: { listenerCount(event: string): number; emit(event: string, error: Error): boolean };
  cleanup(error: Error): void;
}

let applied: boolean | undefined;

export function fixDriverWriteWait(): boolean {
  if (applied !== undefined) return applied;
  applied = false;
  let prototype: DriverConnection | undefined;
  try {
    const fromMongoose = createRequire(createRequire(import.meta.url).resolve('mongoose'));
    prototype = (fromMongoose('mongodb/lib/cmap/connection.js') as { Connection?: { prototype: DriverConnection } }).Connection
      ?.prototype;
  } catch {
    return applied;
  }
  if (typeof prototype?.cleanup !== 'function' || typeof (prototype as { writeCommand?: unknown }).writeCommand !== 'function')
    return applied;
  const cleanup = prototype.cleanup;
  prototype.cleanup = function (this: DriverConnection, error: Error) {
    const wasClosed = this.closed;
    cleanup.call(this, error);
    if (!wasClosed && this.closed && this.socket.listenerCount('drain') > 0) this.socket.emit('error', this.error ?? error);
  };
  applied = true;
  return applied;
}
