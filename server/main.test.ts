import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from './db/embedded.js';

const dataDir = mkdtempSync(join(tmpdir(), 'chatwidget-main-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('server process', () => {
  it('starts on the embedded database, serves /readyz and leaves no database process after SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, MONGODB_URI: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    let stdout = '';
    const url = await new Promise<string>((resolveUrl, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /Health:\s+(http:\/\/\S+)\/readyz/.exec(stdout);
        if (match?.[1]) resolveUrl(match[1]);
      });
      void exited.then((code) => reject(new Error(`server exited early (${code})`)));
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const ferretPid = Number(readFileSync(join(dataDir, 'ferretdb.pid'), 'utf8'));
    expect(isAlive(ferretPid)).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(isAlive(ferretPid)).toBe(false);
  });
});
