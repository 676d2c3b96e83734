import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting the server reads, parsed and validated once at start.
 * Documented in `.env.example` and the README; nothing else reads `process.env`.
 */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /** Public base URL (used in printed links and image URLs); defaults to http://HOST:PORT. */
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  MONGODB_URI: z.string().startsWith('mongodb').optional(),
  FERRETDB_BIN: z.string().optional(),

  ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters').optional(),
  VISITOR_TOKEN_SECRET: z.string().min(32, 'VISITOR_TOKEN_SECRET must be at least 32 characters').optional(),

  GEMINI_API_KEY: z.string().min(1).optional(),
  GEMINI_MODEL: z.string().default('gemini-2.5-flash'),
  GEMINI_BASE_URL: z.url().optional(),

  CLERK_SECRET_KEY: z.string().min(1).optional(),
  CLERK_PUBLISHABLE_KEY: z.string().min(1).optional(),
  CLERK_JWT_KEY: z.string().min(1).optional(),
  /** Comma-separated origins allowed as the token's `azp` (the dashboard's origin). */
  CLERK_AUTHORIZED_PARTIES: z.string().optional(),

  IMAGEKIT_PRIVATE_KEY: z.string().min(1).optional(),
  IMAGEKIT_URL_ENDPOINT: z.url().optional(),
  IMAGEKIT_BASE_URL: z.url().optional(),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config extends RawConfig {
  /** Absolute data folder. */
  dataDir: string;
  authMode: 'clerk' | 'local';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const emptyToUndefined = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const raw = parsed.data;
  const problems: string[] = [];
  if (raw.CLERK_SECRET_KEY && !raw.CLERK_PUBLISHABLE_KEY)
    problems.push('  CLERK_PUBLISHABLE_KEY: required with CLERK_SECRET_KEY');
  if (raw.IMAGEKIT_PRIVATE_KEY && !raw.IMAGEKIT_URL_ENDPOINT)
    problems.push('  IMAGEKIT_URL_ENDPOINT: required with IMAGEKIT_PRIVATE_KEY');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return { ...raw, dataDir: resolve(raw.DATA_DIR), authMode: raw.CLERK_SECRET_KEY ? 'clerk' : 'local' };
}
