import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A secret from the environment, or else one generated on first start and kept in the data folder
 * (mode 0600), so local mode needs no setup and survives restarts.
 */
export function loadOrCreateSecret(dataDir: string, name: string, fromEnv: string | undefined, bytes = 32): string {
  if (fromEnv) return fromEnv;
  const file = join(dataDir, `${name}.secret`);
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export const randomToken = (bytes = 18) => randomBytes(bytes).toString('base64url');
