import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { connectMongo } from '../../server/db/database.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../server/db/embedded.js';
import { ensureFerretdbBinary } from '../../server/db/ferretdbBinary.js';
import { createModels, type Models } from '../../server/db/models/index.js';

export interface BenchDatabase {
  dataDir: string;
  /** The database's connection string, for server processes joining it. */
  uri: string;
  /** Present when the benchmark started its own FerretDB (no `MONGODB_URI`). */
  embedded: EmbeddedDatabase | null;
  connection: Connection;
  models: Models;
  /** A second connection to the same database with the driver's command monitoring on (for `recordCommands`). */
  connectMonitored(): Promise<{ connection: Connection; models: Models }>;
  /** A second connection without the server's 60 s socket timeout: a bulk load's index builds run for minutes. */
  connectForBulkLoad(): Promise<{ connection: Connection; models: Models }>;
  /**
   * The same data through a second FerretDB with pushdown disabled (every filter applied in Go, `_id` lookups
   * included): the baseline of the same run. `null` on MongoDB.
   */
  connectWithoutPushdown(): Promise<{ models: Models; stop: () => Promise<void> } | null>;
  /** The same data through a second FerretDB from another build (`binary`, e.g. the previous one). `null` on MongoDB. */
  connectThrough(binary: string, extraArgs?: string[]): Promise<{ models: Models; stop: () => Promise<void> } | null>;
  stop(): Promise<void>;
}

/**
 * The server's database setup for a benchmark: the embedded FerretDB (SQLite) in a fresh temporary folder, as
 * `npm start` runs it without `MONGODB_URI`; or, with `MONGODB_URI` set, a fresh database on that server.
 */
export async function openBenchDatabase(name: string): Promise<BenchDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `chatwidget-bench-${name}-`));
  let embedded: EmbeddedDatabase | null = null;
  let uri: string;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/bench_${name}`;
    uri = url.toString();
  } else {
    embedded = await startEmbeddedDatabase({ binary: ensureFerretdbBinary(), dataDir });
    uri = embedded.uri(`bench_${name}`);
  }
  const connection = await connectMongo(uri);
  await connection.dropDatabase();
  const models = await createModels(connection);
  const extra: Connection[] = [];
  async function connectThrough(binary: string, extraArgs: string[] = []) {
    if (!embedded) return null;
    // Its own folder (pid file) whose database folder is this one's SQLite files.
    const baseDir = join(dataDir, 'baseline');
    mkdirSync(baseDir, { recursive: true });
    if (!existsSync(join(baseDir, 'db'))) symlinkSync(join(dataDir, 'db'), join(baseDir, 'db'));
    const other = await startEmbeddedDatabase({ binary, dataDir: baseDir, extraArgs });
    const connection = await connectMongo(other.uri(`bench_${name}`));
    const models = await createModels(connection);
    return {
      models,
      async stop() {
        await connection.close().catch(() => {});
        await other.stop();
      },
    };
  }
  return {
    dataDir,
    uri,
    embedded,
    connection,
    models,
    async connectMonitored() {
      const monitored = mongoose.createConnection(uri, { monitorCommands: true, maxPoolSize: 10 });
      await monitored.asPromise();
      extra.push(monitored);
      return { connection: monitored, models: await createModels(monitored) };
    },
    async connectForBulkLoad() {
      const bulk = mongoose.createConnection(uri, { socketTimeoutMS: 0, maxPoolSize: 10 });
      await bulk.asPromise();
      extra.push(bulk);
      return { connection: bulk, models: await createModels(bulk) };
    },
    connectWithoutPushdown: () => connectThrough(ensureFerretdbBinary(), ['--test-disable-pushdown']),
    connectThrough,
    async stop() {
      for (const other of extra) await other.close().catch(() => {});
      await connection.close().catch(() => {});
      await embedded?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
