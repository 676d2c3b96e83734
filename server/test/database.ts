import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'mongoose';
import { inject } from 'vitest';
import { connectMongo, type Database, pingDatabase } from '../db/database.js';

/** The name of a test file's own database, derived from its path so files never share data. */
export function testDatabaseName(fileUrl: string): string {
  const path = fileURLToPath(fileUrl);
  const stem = basename(path)
    .replace(/\.test\.tsx?$/, '')
    .replace(/[^a-zA-Z0-9_-]/g, '_')
    .slice(0, 40);
  const hash = createHash('sha1').update(path).digest('hex').slice(0, 8);
  return `t_${stem}_${hash}`;
}

export function testDatabaseUri(fileUrl: string): string {
  const base = new URL(inject('mongoBaseUri'));
  base.pathname = `/${testDatabaseName(fileUrl)}`;
  base.searchParams.set('directConnection', 'true');
  return base.toString();
}

/** Connects to this test file's database, emptied first unless `keep` (another instance joining it). */
export async function openTestDatabase(fileUrl: string, { keep = false, monitorCommands = false } = {}): Promise<Connection> {
  const connection = await connectMongo(testDatabaseUri(fileUrl), { monitorCommands });
  if (!keep) await connection.dropDatabase();
  return connection;
}

/** A test's own connection as the server's database (`createServer`'s override); the test closes it. */
export function serverDatabase(connection: Connection): Pick<Database, 'connection' | 'ping'> {
  return { connection, ping: (timeoutMs) => pingDatabase(connection, timeoutMs) };
}
