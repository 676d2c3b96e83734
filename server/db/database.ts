import mongoose, { type Connection } from 'mongoose';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
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

/** Connects Mongoose with timeouts that fail fast instead of hanging requests. */
export async function connectMongo(uri: string): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    connectTimeoutMS: 5000,
    socketTimeoutMS: 60_000,
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

/** `MONGODB_URI` when set; otherwise the embedded FerretDB with its data in `DATA_DIR`. */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  let embedded: EmbeddedDatabase | undefined;
  let uri = config.MONGODB_URI;
  if (!uri) {
    const binary = ensureFerretdbBinary(
      config.FERRETDB_BIN ? { ...process.env, FERRETDB_BIN: config.FERRETDB_BIN } : process.env,
      (m) => log.info(m),
    );
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
  log.info({ database: redactUri(uri), embedded: Boolean(embedded) }, embedded ? 'Using the embedded database' : 'Using MongoDB');
  return {
    connection,
    embedded,
    ping: (timeoutMs) => pingDatabase(connection, timeoutMs),
    async close() {
      await connection.close().catch(() => {});
      await embedded?.stop();
    },
  };
}
