import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { connectMongo, pingDatabase } from '../db/database.js';
import { startEmbeddedDatabase } from '../db/embedded.js';
import { ensureFerretdbBinary } from '../db/ferretdbBinary.js';
import { createLogger } from '../lib/logger.js';
import { buildApp } from './app.js';
import { startWebServer } from './server.js';

// This file runs its own database server so that it can stop and restart it.
const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-health-'));
const binary = ensureFerretdbBinary();
let db = await startEmbeddedDatabase({ binary, dataDir });
const connection = await connectMongo(db.uri('health'));
const app = buildApp({
  config: loadConfig({ DATA_DIR: dataDir }),
  log: createLogger('silent'),
  pingDatabase: () => pingDatabase(connection, 1000),
});
const web = await startWebServer(app, 0);

afterAll(async () => {
  await web.stop();
  await connection.close();
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitForStatus(path: string, status: number, ms: number) {
  const deadline = performance.now() + ms;
  let last = 0;
  while (performance.now() < deadline) {
    last = (await fetch(web.url + path)).status;
    if (last === status) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

describe('health endpoints', () => {
  it('/healthz answers while the process is up', async () => {
    const res = await fetch(`${web.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz follows the database: 200, 503 while it is stopped, 200 again when it is back', async () => {
    expect((await fetch(`${web.url}/readyz`)).status).toBe(200);

    await db.stop();
    const down = await fetch(`${web.url}/readyz`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(await down.json()).toEqual({
      error: { code: 'database_unavailable', message: 'The database is unreachable' },
    });
    expect((await fetch(`${web.url}/healthz`)).status).toBe(200);

    db = await startEmbeddedDatabase({ binary, dataDir, port: db.port });
    expect(await waitForStatus('/readyz', 200, 20_000)).toBe(200);
  });

  it('answers unknown routes with the error shape', async () => {
    const res = await fetch(`${web.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for GET /nope' } });
  });
});
