import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { fixDriverWriteWait } from './driverWriteWait.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';
import { ensureFerretdbBinary } from './ferretdbBinary.js';

export interface Database {
  connection: Connection;
  /** Present when the server started its own FerretDB. */
  embedded?: EmbeddedDatabase;
  /** Pings the server; rejects when it is unreachable. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Connects Mongoose with timeouts that fail fast instead of hanging requests. `monitorCommands` makes the driver emit
 * an event per command (`commandMonitor.ts`: tests and benchmarks count what a send costs). The driver's wait for a
 * socket's `drain` is fixed first (`driverWriteWait.ts`).
 */
export async function connectMongo(uri: string, options: { monitorCommands?: boolean } = {}): Promise<Connection> {
  fixDriverWriteWait();
  const connection = mongoose.createConnection(uri, {
    monitorCommands: options.monitorCommands ?? false,
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    // Admin reads on a large embedded database can take many seconds (stats: 18 s at 100k messages);
    // a connection stuck on a restarted database is handled by `databaseProbe`, not by this timeout.
    socketTimeoutMS: 60_000,
    heartbeatFrequencyMS: 5000,
    // Poll the server state; the streaming monitor could stay stuck after the database restarted.
    serverMonitoringMode: 'poll',
    maxPoolSize: 50,
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}

export function redactUri(uri: string): string {
  return uri.replace(/\/\/([^@/]+)@/, '//***@');
}

export function pingDatabase(connection: Connection, timeoutMs = 2000): Promise<void> {
  const db = connection.db;
  // A real ping even while Mongoose reports `disconnected`: it makes the driver select the server again,
  // so a database that is back is noticed now, not at the next heartbeat (model calls only buffer meanwhile).
  if (!db) return Promise.reject(new Error('database not connected'));
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    db.command({ ping: 1 }).then(() => undefined),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('database ping timed out')), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Pings the database; when it has failed for `resetAfterMs` in a row, the driver's client is closed
 * and reconnected (models stay bound). Seen in the outage suite: after a database restart, a fresh
 * client connected at once while the old one kept failing server selection.
 */
export function databaseProbe(connection: Connection, resetAfterMs = 15_000) {
  let failingSince: number | undefined;
  let resetting: Promise<void> | undefined;
  return async function ping(timeoutMs = 2000): Promise<void> {
    try {
      await pingDatabase(connection, timeoutMs);
      failingSince = undefined;
    } catch (error) {
      failingSince ??= Date.now();
      if (Date.now() - failingSince >= resetAfterMs && !resetting) {
        failingSince = Date.now();
        const client = connection.getClient();
        resetting = client
          .close()
          .catch(() => {})
          .then(() => client.connect())
          .then(
            () => undefined,
            () => undefined,
          )
          .finally(() => {
            resetting = undefined;
          });
      }
      throw error;
    }
  };
}

/** `MONGODB_URI` when set; otherwise the embedded FerretDB with its data in `DATA_DIR`. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    const binary = ensureFerretdbBinary(config, (m) => log.info(m));
    embedded = await startEmbeddedDatabase({ binary, dataDir: config.dataDir, log: (m) => log.info(m) });
    uri = embedded.uri('chatwidget');
  }
  let connection: Connection;
  try {
    connection = await connectMongo(uri);
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  const probe = databaseProbe(connection);
  // Checked in the background too, so the connection heals without anyone polling /readyz.
  const watchdog = setInterval(() => void probe().catch(() => {}), 5000);
  watchdog.unref();
  log.info({ database: redactUri(uri), embedded: Boolean(embedded) }, embedded ? 'Using the embedded database' : 'Using MongoDB');
  return {
    connection,
    embedded,
    ping: (timeoutMs) => probe(timeoutMs),
    async close() {
      clearInterval(watchdog);
      await connection.close().catch(() => {});
      await embedded?.stop();
    },
  };
}
