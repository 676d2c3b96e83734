import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../db/embedded.js';
import { ensureFerretdbBinary } from '../db/ferretdbBinary.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `mongodb://host:port/` of the run's database server; each test file picks its own database. */
    mongoBaseUri: string;
  }
}

/** One database server for the whole run: `MONGODB_URI`'s server when set, else an embedded FerretDB. */
export default async function setup(project: TestProject) {
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = '/';
    project.provide('mongoBaseUri', url.toString());
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-test-db-'));
  const db = await startEmbeddedDatabase({ binary: ensureFerretdbBinary(), dataDir });
  project.provide('mongoBaseUri', db.baseUri);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
