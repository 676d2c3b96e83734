import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readDotEnvFile } from './config.js';

describe('TRUST_PROXY', () => {
  it('trusts nothing by default, else a hop count or addresses, subnets and named sets', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,loopback, fd00::/8' }).TRUST_PROXY).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'loopback',
      'fd00::/8',
    ]);
  });

  it('refuses `true` (every client could name its own address) and anything that is not an address', () => {
    for (const value of ['true', 'proxy.example', '10.0.0.0/33', '10.0.0.1/8/1', '1.2.3', 'loopback,', '*'])
      expect(() => loadConfig({ TRUST_PROXY: value }), value).toThrow(ConfigError);
  });
});

describe('knowledge fetching', () => {
  it('refuses private hosts unless KNOWLEDGE_ALLOW_PRIVATE_HOSTS is true, and crawls 2 requests/s per host by default', () => {
    expect(loadConfig({})).toMatchObject({ KNOWLEDGE_ALLOW_PRIVATE_HOSTS: false, KNOWLEDGE_CRAWL_RATE: 2 });
    expect(loadConfig({ KNOWLEDGE_ALLOW_PRIVATE_HOSTS: 'true', KNOWLEDGE_CRAWL_RATE: '0.5' })).toMatchObject({
      KNOWLEDGE_ALLOW_PRIVATE_HOSTS: true,
      KNOWLEDGE_CRAWL_RATE: 0.5,
    });
    for (const env of [{ KNOWLEDGE_ALLOW_PRIVATE_HOSTS: 'yes' }, { KNOWLEDGE_CRAWL_RATE: '0' }])
      expect(() => loadConfig(env)).toThrow(ConfigError);
  });
});

describe('.env', () => {
  it("is never read by loadConfig (tests do not see a developer's .env); the process edge reads it", () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatwidget-dotenv-'));
    const cwd = process.cwd();
    writeFileSync(join(dir, '.env'), 'GEMINI_MODEL=model-from-dotenv\nLOG_LEVEL=debug\n# a comment\nHOST=0.0.0.0\n');
    try {
      process.chdir(dir);
      expect(loadConfig().GEMINI_MODEL).not.toBe('model-from-dotenv');
      expect(process.env.GEMINI_MODEL).not.toBe('model-from-dotenv');

      const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
      expect(readDotEnvFile(dir, env)).toEqual(['GEMINI_MODEL', 'HOST']);
      expect(loadConfig(env)).toMatchObject({ GEMINI_MODEL: 'model-from-dotenv', LOG_LEVEL: 'warn', HOST: '0.0.0.0' });
      expect(readDotEnvFile(join(dir, 'missing'), {})).toEqual([]);
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
