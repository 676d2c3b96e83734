import { performance } from 'node:perf_hooks';
import type { Connection } from 'mongoose';
import type { Logger } from '../lib/logger.js';

/** Reads the database's time once: `hello`'s `localTime` (MongoDB and FerretDB both answer it). */
export type ReadDatabaseTime = () => Promise<Date>;

export const helloTime =
  (connection: Connection): ReadDatabaseTime =>
  async () => {
    const db = connection.db;
    if (!db) throw new Error('database not connected');
    const reply = await db.command({ hello: 1 });
    if (!(reply.localTime instanceof Date)) throw new Error('hello: no localTime in the reply');
    return reply.localTime;
  };

const MAX_HOLD_MS = 1000;

export interface DatabaseClock {
  /** The database's time now, as far as it can be told from here (within half a `hello` round trip). */
  now(): Date;
  /** Reads the database's time again (a few `hello`s, the fastest one kept); failures keep the last reading. */
  sync(): Promise<void>;
  stop(): void;
}

/**
 * Time for everything that compares times written by several instances: leases (answers, conversation locks, jobs),
 * due times, days. Each instance's wall clock may be off by seconds (a lease is 15 s) and may step when NTP corrects
 * it; the database's clock is one for all. It is read with `hello` (the fastest of `samples` round trips, its middle
 * taken as the moment of the reading) and carried forward on this process's monotonic clock, so a step of the local
 * wall clock changes nothing and the local clock is never consulted. Read again every `resyncMs` (the monotonic
 * clock drifts by parts per million). A new reading less than a second behind holds the time until it catches up.
 */
export async function databaseClock(
  read: ReadDatabaseTime,
  options: { resyncMs?: number; samples?: number; log?: Logger } = {},
): Promise<DatabaseClock> {
  const samples = options.samples ?? 3;
  // Until the first reading: the local wall clock (a database that cannot answer `hello` cannot hold a lease either).
  let base = { monotonic: performance.now(), time: Date.now() };
  let last = 0;
  const sync = async () => {
    let best: { roundTrip: number; monotonic: number; time: number } | undefined;
    for (let i = 0; i < samples; i++) {
      try {
        const sent = performance.now();
        const time = await read();
        const received = performance.now();
        if (!best || received - sent < best.roundTrip)
          // `localTime` is whole milliseconds: the true time is on average half of one later.
          best = { roundTrip: received - sent, monotonic: (sent + received) / 2, time: time.getTime() + 0.5 };
      } catch (error) {
        options.log?.warn({ err: error }, 'Reading the database clock failed; keeping the last reading');
        break;
      }
    }
    if (best) base = { monotonic: best.monotonic, time: best.time };
  };
  await sync();
  const timer = setInterval(() => void sync(), options.resyncMs ?? 600_000);
  timer.unref();
  return {
    now() {
      const time = Math.round(base.time + (performance.now() - base.monotonic));
      // A reading a little behind the last (the round trips' noise) holds the time, so nothing this instance dates
      // goes backwards (an answer before its question); a step of the database's own clock is followed.
      if (time >= last || last - time > MAX_HOLD_MS) last = time;
      return new Date(last);
    },
    sync,
    stop: () => clearInterval(timer),
  };
}
