import { z } from 'zod';

/**
 * The environment, parsed once (STYLE.md §6). Entry points import `loadConfig()`; nothing else reads
 * `process.env`. Defaults apply outside production only; in production every variable without a
 * safe default must be set.
 */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, 'must start with file:, libsql://, http(s):// or ws(s)://')
    .default('file:db/local.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /** Busy timeout for the embedded database, in milliseconds. */
  DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
  /** Seed the fictional demo city when the database is empty. */
  DEMO: z.stringbool().default(true),
  /** Trust X-Forwarded-Proto / X-Forwarded-For from the reverse proxy in front of this process. */
  TRUST_PROXY: z.stringbool().default(false),
  /** Largest request body the API accepts, in bytes. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** How long SIGTERM waits for in-flight requests before closing connections, in milliseconds. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});

export type Config = Readonly<z.infer<typeof Env>>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Parse an environment (defaults to `process.env`); throws `ConfigError` listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = Env.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    );
  }
  return Object.freeze(result.data);
}
