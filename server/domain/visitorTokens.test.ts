import { describe, expect, it } from 'vitest';
import { VISITOR_TOKEN_TTL_SECONDS, visitorTokens } from './visitorTokens.js';

const identity = { visitorId: 'v1', siteId: 's1', tenantId: 't1', userId: null, identityVersion: null };

describe('visitor tokens', () => {
  it('verifies a token again and again, each use checked against its expiry to the second', async () => {
    let clock = new Date('2026-05-01T12:00:00.400Z');
    const tokens = visitorTokens('a-secret-of-thirty-two-characters', () => clock);
    const { token, expiresAt } = await tokens.sign(identity);
    const claims = await tokens.verify(token);
    expect(claims).toEqual({ ...identity, expiresAt });
    // A caller changing what it got changes nothing for the next use.
    claims.siteId = 'other';
    expect(await tokens.verify(token)).toEqual({ ...identity, expiresAt });

    clock = new Date(expiresAt.getTime() - 1);
    expect((await tokens.verify(token)).visitorId).toBe('v1');
    // Expired at its `exp` second, as jose decides it for a token it has not seen.
    clock = new Date(expiresAt.getTime());
    await expect(tokens.verify(token)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(visitorTokens('a-secret-of-thirty-two-characters', () => clock).verify(token)).rejects.toMatchObject({
      status: 401,
    });
    expect(expiresAt.getTime() - Date.parse('2026-05-01T12:00:00Z')).toBe(VISITOR_TOKEN_TTL_SECONDS * 1000);
  });

  it('refuses a token whose signature or claims were changed, after the genuine one was verified', async () => {
    const tokens = visitorTokens('a-secret-of-thirty-two-characters');
    const { token } = await tokens.sign(identity);
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const otherSite = Buffer.from(JSON.stringify({ ...claims, site: 's2' })).toString('base64url');
    for (const forged of [`${header}.${otherSite}.${signature}`, `${header}.${payload}.${signature.slice(0, -2)}AA`])
      await expect(tokens.verify(forged)).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    // Another deployment's secret signs tokens this one refuses.
    const foreign = await visitorTokens('another-secret-of-thirty-two-chars').sign(identity);
    await expect(tokens.verify(foreign.token)).rejects.toMatchObject({ status: 401 });
  });
});
