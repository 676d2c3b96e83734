import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, startEmbeddedDatabase } from './embedded.js';
import { EmbeddedDatabaseUnavailable, ensureFerretdbBinary } from './ferretdbBinary.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatwidget-embedded-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('embedded database launcher', () => {
  const binary = ensureFerretdbBinary();

  it('starts FerretDB on a loopback port and leaves no process behind when stopped', async () => {
    const dataDir = tempDir();
    const db = await startEmbeddedDatabase({ binary, dataDir });
    expect(db.uri('chatwidget')).toBe(`mongodb://127.0.0.1:${db.port}/chatwidget?directConnection=true`);
    expect(isAlive(db.pid)).toBe(true);
    expect(readFileSync(join(dataDir, 'ferretdb.pid'), 'utf8')).toBe(String(db.pid));
    await db.stop();
    expect(isAlive(db.pid)).toBe(false);
    await db.stop(); // idempotent
  });

  it('replaces a stale FerretDB left by a crashed run', async () => {
    const dataDir = tempDir();
    const first = await startEmbeddedDatabase({ binary, dataDir });
    // Simulate a crash: the parent forgets the child, whose pid file stays behind.
    const second = await startEmbeddedDatabase({ binary, dataDir });
    expect(isAlive(first.pid)).toBe(false);
    expect(isAlive(second.pid)).toBe(true);
    await second.stop();
  });

  it('rejects invalid database names', async () => {
    const db = await startEmbeddedDatabase({ binary, dataDir: tempDir() });
    try {
      expect(() => db.uri('bad name!')).toThrow(/Invalid database name/);
    } finally {
      await db.stop();
    }
  });

  it('explains a missing binary in one sentence', () => {
    expect(() => ensureFerretdbBinary({ FERRETDB_BIN: '/nonexistent/ferretdb' })).toThrow(EmbeddedDatabaseUnavailable);
    expect(() => ensureFerretdbBinary({ FERRETDB_BIN: '/nonexistent/ferretdb' })).toThrow(
      /does not exist; fix it or set MONGODB_URI/,
    );
  });

  it('explains a binary that crashes at start', async () => {
    const dir = tempDir();
    const broken = join(dir, 'ferretdb');
    writeFileSync(broken, '#!/bin/sh\necho "panic: version.txt missing" >&2\nexit 2\n');
    chmodSync(broken, 0o755);
    await expect(startEmbeddedDatabase({ binary: broken, dataDir: dir })).rejects.toThrow(
      /The embedded database exited at start \(code 2\): panic: version\.txt missing/,
    );
  });

  it('the server prints one clear sentence, not a stack trace, when the binary is missing', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, MONGODB_URI: '', FERRETDB_BIN: '/nonexistent/ferretdb', DATA_DIR: tempDir(), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'FERRETDB_BIN points at /nonexistent/ferretdb, which does not exist; fix it or set MONGODB_URI to use MongoDB.',
    );
  });
});
