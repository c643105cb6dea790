import { z } from 'zod';

/**
 * The environment, parsed once (STYLE.md §6). Entry points import `loadConfig()`; nothing else reads
 * `process.env`. Defaults apply outside production only; in production every variable without a
 * safe default must be set.
 */
/** `VAR=` in an env file means "not set". */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);

/**
 * Whether an SMTP address can be used as nodemailer reads it (it is made on the first mail, not at start): a WHATWG
 * URL with a host, whose user and password percent-decode.
 */
function smtpUrlParses(value: string): boolean {
  try {
    const url = new URL(value);
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
    return url.hostname !== '';
  } catch {
    return false;
  }
}

/** The public address every absolute link is built from (QR codes, feed, embed snippet, canonical links). */
const SiteUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) address, e.g. https://lianjie.example.gov.cn' })
  .transform((u) => new URL(u).origin);

/** What `astro build` bakes into the pages; a change is a reason to rebuild (src/build/stamp.ts). */
const BuildEnv = z.object({
  /**
   * The site's public origin, without a path. Required in production; the default is the local dev
   * server, so nothing outside the environment names a public address.
   */
  SITE_URL: unsetWhenEmpty(SiteUrl.default('http://localhost:4321')),
  /** Seed the fictional demo city when the database is empty, and show the demo banner. */
  DEMO: z.stringbool().default(true),
});

const Env = BuildEnv.extend({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('localhost'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  DATABASE_URL: z
    .string()
    .regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, 'must start with file:, libsql://, http(s):// or ws(s)://')
    .default('file:db/local.db'),
  DATABASE_AUTH_TOKEN: z.string().optional(),
  /**
   * Where stored files (evidence photos and documents, src/services/attachments.ts) are kept; created when
   * missing. Default: `attachments/` next to the embedded database file.
   */
  ATTACHMENTS_DIR: unsetWhenEmpty(z.string().min(1).optional()),
  /**
   * Where the rebuild worker writes each build (`<dir>/<build id>/`) and the pointer to the build being served
   * (`<dir>/live.json`); created when missing. Default: `builds/` next to the embedded database file.
   */
  SITE_BUILDS_DIR: unsetWhenEmpty(z.string().min(1).optional()),
  /** A rebuild that runs longer than this is stopped and counts as failed, in milliseconds. */
  SITE_BUILD_TIMEOUT_MS: z.coerce.number().int().min(1000).max(7_200_000).default(1_200_000),
  /** How often the rebuild worker looks for queued requests, in milliseconds. */
  SITE_BUILD_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(2_000),
  /** The scheduled rebuild at 00:05 Beijing time (and the aid name scrub before it). */
  NIGHTLY_REBUILD: z.stringbool().default(true),
  /** Busy timeout for the embedded database, in milliseconds. */
  DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(5000),
  /** Trust X-Forwarded-Proto / X-Forwarded-For from the reverse proxy in front of this process. */
  TRUST_PROXY: z.stringbool().default(false),
  /** Largest request body the API accepts, in bytes. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(64 * 1024),
  /** How long SIGTERM waits for in-flight requests before closing connections, in milliseconds. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** AES-256-GCM key for submitters' phone numbers: 32 bytes as base64 or hex. Required in production. */
  CONTACT_KEY: unsetWhenEmpty(
    z
      .string()
      .regex(/^(?:[A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})$/, 'must be 32 bytes as base64 (44 characters) or hex (64)')
      .optional(),
  ),
  /** Root secret for HMACs (query secrets, pseudonyms, ALTCHA). At least 32 characters. Required in production. */
  APP_SECRET: unsetWhenEmpty(z.string().min(32, 'must be at least 32 characters').optional()),
  /**
   * Ed25519 key that signs the audit log's checkpoints: its 32-byte seed as base64 or hex (e.g.
   * `openssl rand -base64 32`). Required in production.
   */
  AUDIT_SIGNING_KEY: unsetWhenEmpty(
    z
      .string()
      .regex(/^(?:[A-Za-z0-9+/]{43}=|[0-9a-fA-F]{64})$/, 'must be 32 bytes as base64 (44 characters) or hex (64)')
      .optional(),
  ),
  /** Feedback submissions per client IP per hour, with a solved proof-of-work (JavaScript on). */
  FEEDBACK_LIMIT_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Feedback submissions per client IP per hour without proof-of-work (the no-JavaScript form). */
  FEEDBACK_LIMIT_NO_POW_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(6),
  /** Survey responses per client IP per hour (a school hall shares one address, so generous). */
  SURVEY_LIMIT_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /** Days a submitter's phone is kept after the item closes (PIPL art.47; DOMAIN.md §7.3), then purged hourly. */
  CONTACT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /**
   * Notifications (issue 17). The SMS channel: `log` (default: writes that a text would go out, sends
   * nothing) or `http` (a provider's HTTP API at NOTIFY_SMS_URL, see src/services/notify-channels.ts).
   */
  NOTIFY_SMS: z.enum(['log', 'http']).default('log'),
  NOTIFY_SMS_URL: unsetWhenEmpty(z.url().optional()),
  NOTIFY_SMS_TOKEN: unsetWhenEmpty(z.string().optional()),
  /** E-mail over SMTP, e.g. `smtps://user:pass@mail.example.org:465`; unset: no e-mail is sent. */
  SMTP_URL: unsetWhenEmpty(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .refine(
        smtpUrlParses,
        'is not a usable address: it needs a host, a port of 1–65535, and the user and password percent-encoded',
      )
      .optional(),
  ),
  NOTIFY_MAIL_FROM: z.string().min(3).default('qinglian@localhost'),
  /** How often the dispatcher looks for due rows, in milliseconds. */
  NOTIFY_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /** Wait this long after start before the first delivery run (tests use it to crash before delivery). */
  NOTIFY_START_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  /** First retry delay, doubling per attempt up to an hour; attempts before a row is given up. */
  NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * How long a claimed notification is left alone before it may be tried again (a crash mid-send is
   * retried after it); must exceed a channel's timeout (10 s).
   */
  NOTIFY_LEASE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** How often deadline reminders are looked for, in milliseconds. */
  NOTIFY_REMINDER_SCAN_MS: z.coerce.number().int().min(1000).max(86_400_000).default(900_000),
});

/** Variables without a safe default: production refuses to start without them. */
const REQUIRED_IN_PRODUCTION = ['SITE_URL', 'CONTACT_KEY', 'APP_SECRET', 'AUDIT_SIGNING_KEY'] as const;

/**
 * The server's secrets: what nothing but the server process needs. The site build reads only the build settings and
 * the database (loadBuildSettings, loadDatabaseSettings), so the rebuild worker leaves these out of its child's
 * environment.
 */
export const SERVER_SECRETS = [
  'CONTACT_KEY',
  'APP_SECRET',
  'AUDIT_SIGNING_KEY',
  'SMTP_URL',
  'NOTIFY_SMS_TOKEN',
] as const;

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
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  if ((env.NODE_ENV ?? 'development') === 'production') {
    for (const name of REQUIRED_IN_PRODUCTION) if (!env[name]) problems.push(`${name}: required in production`);
  }
  if (result.success && result.data.NOTIFY_SMS === 'http' && !result.data.NOTIFY_SMS_URL)
    problems.push('NOTIFY_SMS_URL: required when NOTIFY_SMS=http');
  if (!result.success || problems.length) throw new ConfigError(problems);
  return Object.freeze(result.data);
}

export type BuildSettings = Readonly<z.infer<typeof BuildEnv>>;

const BuildsEnv = Env.pick({ SITE_BUILDS_DIR: true, DATABASE_URL: true });

/** Where the rebuild worker's builds are (SITE_BUILDS_DIR, DATABASE_URL): what `npm start` reads before building. */
export function loadBuildsLocation(env: Record<string, string | undefined> = process.env): z.infer<typeof BuildsEnv> {
  return BuildsEnv.parse(env);
}

/**
 * The settings the static build bakes in (astro.config.mjs, the build stamp). Only these variables are
 * read, so a build needs no secrets; `loadConfig` requires SITE_URL in production before `npm start` builds.
 */
export function loadBuildSettings(env: Record<string, string | undefined> = process.env): BuildSettings {
  const result = BuildEnv.safeParse(env);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  return Object.freeze(result.data);
}

const DatabaseEnv = Env.pick({ DATABASE_URL: true, DATABASE_AUTH_TOKEN: true });
export type DatabaseSettings = Readonly<z.infer<typeof DatabaseEnv>>;

/**
 * Where the database is, and nothing else: the site build reads the approved versions of the disclosure store
 * from it (src/content/store.ts) without needing the server's secrets.
 */
export function loadDatabaseSettings(env: Record<string, string | undefined> = process.env): DatabaseSettings {
  const result = DatabaseEnv.safeParse(env);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  return Object.freeze(result.data);
}
