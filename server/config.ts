import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parse as parseDotEnv } from 'dotenv';
import { z } from 'zod';
import { DEFAULT_KNOWLEDGE_LIMITS } from '../contract/limits.js';

/** Express's named address sets for `trust proxy`. */
const PROXY_SETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `false` (trust nothing), a hop count, or addresses / subnets / named sets, as Express's `trust proxy` takes them. */
export type TrustProxy = false | number | string[];

const isProxyAddress = (entry: string) => {
  if (PROXY_SETS.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
};

/**
 * Whom to believe for the client address (`X-Forwarded-For`). `true` is refused: it would believe
 * whatever a client writes, so every request could pick its own rate-limit bucket.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((value, ctx): TrustProxy => {
    const text = value?.trim() ?? '';
    if (text === '' || text === 'false') return false;
    if (/^\d+$/.test(text)) return Number(text) === 0 ? false : Number(text);
    const entries = text.split(',').map((entry) => entry.trim());
    const wrong = entries.filter((entry) => !isProxyAddress(entry));
    if (wrong.length) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a hop count, or addresses, subnets (a.b.c.d/n) or ${[...PROXY_SETS].join('/')}; got ${wrong.join(', ')}`,
      });
      return z.NEVER;
    }
    return entries;
  });

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
  /** On SIGTERM, how long answers already streaming get to finish before the process exits (the rest: lease recovery). */
  DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).default(25_000),
  /**
   * How long an answer in flight and a conversation lock outlive their instance's last renewal (renewed every third of
   * it): an instance that died is taken over after this long.
   */
  LEASE_MS: z.coerce.number().int().min(3000).default(15_000),
  /** The proxies in front of the server: a hop count, or their addresses / subnets; unset: trust nothing. */
  TRUST_PROXY: trustProxy,

  MONGODB_URI: z.string().startsWith('mongodb').optional(),
  /** Redis, shared by every instance: the rate limits' counts and the event bus. Unset: one instance, in process. */
  REDIS_URL: z.string().startsWith('redis').optional(),
  FERRETDB_BIN: z.string().optional(),
  /** Where the embedded database is built once when FERRETDB_BIN is unset (the XDG cache folder, else ~/.cache). */
  XDG_CACHE_HOME: z.string().optional(),

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

  /** Per-organization knowledge limits (contract/limits.ts has the defaults). */
  KNOWLEDGE_MAX_SOURCES: z.coerce.number().int().min(1).default(DEFAULT_KNOWLEDGE_LIMITS.sources),
  KNOWLEDGE_MAX_PAGES: z.coerce.number().int().min(1).default(DEFAULT_KNOWLEDGE_LIMITS.pages),
  KNOWLEDGE_MAX_CHUNKS: z.coerce.number().int().min(1).default(DEFAULT_KNOWLEDGE_LIMITS.chunks),

  IMAGEKIT_PRIVATE_KEY: z.string().min(1).optional(),
  IMAGEKIT_URL_ENDPOINT: z.url().optional(),
  IMAGEKIT_BASE_URL: z.url().optional(),

  /**
   * Let the server's outbound requests (knowledge sources, webhook deliveries) reach private, loopback and link-local
   * hosts (intranets, tests); refused by default (SSRF).
   */
  ALLOW_PRIVATE_HOSTS: z
    .enum(['true', 'false'], { message: 'expected true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /** The earlier name of ALLOW_PRIVATE_HOSTS, still read: either one set to true allows private hosts. */
  KNOWLEDGE_ALLOW_PRIVATE_HOSTS: z
    .enum(['true', 'false'], { message: 'expected true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /** Requests per second a crawl sends to one host. */
  KNOWLEDGE_CRAWL_RATE: z.coerce.number().positive().max(50).default(2),
  /** Mail for the handoff reminder (`smtp://` or `smtps://user:pass@host:port`); unset: no email is sent. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  SMTP_FROM: z.string().default('chatwidget <no-reply@localhost>'),
  /** How long a visitor waits for a person before the site's handoff emails get a reminder (seconds). */
  HANDOFF_REMINDER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(180),
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

function parseOrThrow<S extends z.ZodType>(part: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = part.safeParse(emptyToUndefined(env));
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

const databaseSetupSchema = schema.pick({ MONGODB_URI: true, FERRETDB_BIN: true, XDG_CACHE_HOME: true });
export type DatabaseSetup = z.infer<typeof databaseSetupSchema>;

/**
 * Only the settings that locate the database, for the scripts that build the embedded database before the server
 * starts (`npm start`, `setup:db` before the tests): they must not fail on a setting only the server uses.
 */
export function loadDatabaseSetup(env: NodeJS.ProcessEnv = process.env): DatabaseSetup {
  return parseOrThrow(databaseSetupSchema, env);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = parseOrThrow(schema, env);
  const problems: string[] = [];
  if (raw.CLERK_SECRET_KEY && !raw.CLERK_PUBLISHABLE_KEY)
    problems.push('  CLERK_PUBLISHABLE_KEY: required with CLERK_SECRET_KEY');
  if (raw.IMAGEKIT_PRIVATE_KEY && !raw.IMAGEKIT_URL_ENDPOINT)
    problems.push('  IMAGEKIT_URL_ENDPOINT: required with IMAGEKIT_PRIVATE_KEY');
  if (problems.length) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  return {
    ...raw,
    ALLOW_PRIVATE_HOSTS: raw.ALLOW_PRIVATE_HOSTS || raw.KNOWLEDGE_ALLOW_PRIVATE_HOSTS,
    dataDir: resolve(raw.DATA_DIR),
    authMode: raw.CLERK_SECRET_KEY ? 'clerk' : 'local',
  };
}

/**
 * Copies the settings of a `.env` file in `dir` into `env` where `env` has none (the real environment wins). Called
 * only by the process edges (`scripts/start.ts`, `server/main.ts`), never by `loadConfig`, so tests never read a
 * developer's `.env`. Returns the names it set.
 */
export function readDotEnvFile(dir: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string[] {
  const file = join(dir, '.env');
  if (!existsSync(file)) return [];
  const set: string[] = [];
  for (const [name, value] of Object.entries(parseDotEnv(readFileSync(file)))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}
