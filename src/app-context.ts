import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './lib/config.ts';
import { createLogger, type Logger } from './lib/log.ts';
import { ROOT } from './lib/paths.ts';
import { deriveChannelKeys, deriveStaffKeys, resolveSecrets, type Secrets } from './lib/secrets.ts';
import { assertDurability, migrateDatabase, openDatabase, type Database } from './db/client.ts';
import { feedbackRules, type FeedbackRules } from './domain/feedback/deadlines.ts';
import { readCalendar } from './content/files.ts';
import { staffPolicy, type StaffPolicy } from './domain/staff/roles.ts';
import {
  defaultAltcha,
  defaultLimits,
  type AltchaSettings,
  type ChannelContext,
  type ChannelLimits,
} from './services/context.ts';
import { smsOtpVerifier, type PhoneVerifier, type SmsSender } from './services/otp.ts';
import { checkpointSigner, type CheckpointSigner } from './services/audit-checkpoint.ts';
import type { StaffContext } from './staff/context.ts';
import { attachmentStore, attachmentsDirOf, type AttachmentStore } from './services/attachments.ts';
import { readCity } from './content/files.ts';
import type { City } from './domain/city/schema.ts';
import { siteName } from './i18n/city.ts';

/**
 * The one composition root (ARCHITECTURE.md): the database, the clock, the keys and the services are
 * built here, once, for the server (src/server.ts), the CLIs (src/cli/*), the demo seed (db/seed*.ts)
 * and the tests (tests/support/*), which pass overrides: a fixed clock, a temporary DATABASE_URL, test
 * limits, an SMS double. Nothing in src/services, src/staff or src/db imports this file.
 */

/** The version in package.json (read when a context is made: this module is also bundled into a page). */
export const packageVersion = (): string =>
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** What the services are built from; everything but the secrets has the production default. */
export interface ServiceOptions {
  secrets: Secrets;
  /** The clock of every use case; tests and the demo seed pass fixed ones. */
  now?: () => Date;
  limits?: ChannelLimits;
  rules?: FeedbackRules;
  altcha?: AltchaSettings;
  /** An SMS adapter: phone verification by one-time codes through it. */
  sms?: SmsSender | null;
  /** The city whose name signs the SMS texts; content/city.yaml when absent. */
  city?: City;
  /** Or any other phone verifier (takes precedence over `sms`). */
  phone?: PhoneVerifier | null;
  staffPolicy?: StaffPolicy;
  /** How the staff login waits out its slowdown (tests record instead). */
  sleep?: (ms: number) => Promise<void>;
}

/** The use cases' contexts over one database: the feedback channel and the staff console. */
export interface Services {
  now: () => Date;
  channel: ChannelContext;
  staff: StaffContext;
}

/**
 * The services over an open database. `createAppContext` calls this once; the demo seed and tests call it
 * again over the same database when they need another clock or other limits for a while.
 */
export function createServices(database: Database, opts: ServiceOptions): Services {
  const now = opts.now ?? (() => new Date());
  const channel: ChannelContext = {
    database,
    keys: deriveChannelKeys(opts.secrets),
    limits: opts.limits ?? defaultLimits(),
    rules: opts.rules ?? feedbackRules(readCalendar().calendar),
    altcha: opts.altcha ?? defaultAltcha,
    phone: opts.phone ?? (opts.sms ? smsOtpVerifier(opts.sms, siteName(opts.city ?? readCity())) : null),
    now,
  };
  const staff: StaffContext = {
    database,
    keys: deriveStaffKeys(opts.secrets),
    policy: opts.staffPolicy ?? staffPolicy,
    now,
    sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  };
  return { now, channel, staff };
}

type DatabaseConfig = Pick<Config, 'DATABASE_URL' | 'DATABASE_AUTH_TOKEN' | 'DATABASE_BUSY_TIMEOUT_MS'>;

/**
 * Open the database of DATABASE_URL, apply migrations when asked (prepare, staff:add, tests; the server
 * expects them applied), and refuse an embedded database that would lose data (src/db/client.ts
 * `assertDurability`). Read-only tools skip that check, which runs a write transaction.
 */
export async function openAppDatabase(
  config: DatabaseConfig,
  opts: { migrate?: boolean; checkDurability?: boolean } = {},
): Promise<Database> {
  const database = await openDatabase({
    url: config.DATABASE_URL,
    authToken: config.DATABASE_AUTH_TOKEN,
    busyTimeoutMs: config.DATABASE_BUSY_TIMEOUT_MS,
  });
  try {
    if (opts.migrate) await migrateDatabase(database);
    if (opts.checkDurability !== false) await assertDurability(database);
  } catch (e) {
    database.close();
    throw e;
  }
  return database;
}

export interface AppContext extends Services {
  config: Config;
  database: Database;
  secrets: Secrets;
  logger: Logger;
  version: string;
  /** Signs the audit chain's checkpoints (AUDIT_SIGNING_KEY; src/services/audit-checkpoint.ts). */
  auditSigner: CheckpointSigner;
  /** Stored files (ATTACHMENTS_DIR; src/services/attachments.ts). */
  attachments: AttachmentStore;
  /** Wait for queued writes, seal the audit rows written so far, close the database. */
  close(): Promise<void>;
}

export interface AppOverrides extends Partial<ServiceOptions> {
  /** Apply the committed migrations after opening. */
  migrate?: boolean;
  logger?: Logger;
  /** Defaults to package.json's. */
  version?: string;
}

/**
 * Everything one process needs, from its configuration: the database (opened, migrated when asked,
 * durability checked, audit rows a crash left unsealed sealed before anything else), the secrets
 * (src/lib/secrets.ts), the limits the configuration sets, the clock and the services.
 */
export async function createAppContext(config: Config, overrides: AppOverrides = {}): Promise<AppContext> {
  const { migrate, logger, version, ...serviceOverrides } = overrides;
  const secrets = overrides.secrets ?? resolveSecrets(config);
  const database = await openAppDatabase(config, { migrate: migrate ?? false });
  await database.seal();
  const services = createServices(database, {
    ...serviceOverrides,
    secrets,
    limits: overrides.limits ?? defaultLimits(config),
  });
  let closing: Promise<void> | null = null;
  return {
    ...services,
    config,
    database,
    secrets,
    logger: logger ?? createLogger(config.LOG_LEVEL),
    version: version ?? packageVersion(),
    auditSigner: checkpointSigner(secrets.auditSigningKey),
    attachments: attachmentStore(database, attachmentsDirOf(config)),
    close: () =>
      (closing ??= (async () => {
        await database.write(async () => undefined);
        await database.seal();
        database.close();
      })()),
  };
}

/** What src/server.ts hands Astro's handler for every on-demand page (src/env.d.ts). */
export function pageLocals(app: AppContext): App.Locals {
  return {
    database: app.database,
    version: app.version,
    channel: app.channel,
    staff: app.staff,
    attachments: app.attachments,
    trustProxy: app.config.TRUST_PROXY,
    auditKey: { keyId: app.auditSigner.keyId, publicKey: app.auditSigner.publicKey },
  };
}
