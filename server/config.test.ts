import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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
