import type { Database } from '../db/client.ts';
import { deriveKey } from '../lib/crypto.ts';
import type { Secrets } from '../lib/secrets.ts';
import { staffPolicy } from '../domain/staff/roles.ts';

/**
 * What the staff console's use cases need, built once by the entry point (src/server.ts) and passed to
 * Astro pages as `locals.staff`. The clock is injected so tests can move it (lockout, idle and absolute
 * session expiry).
 */
export interface StaffContext {
  database: Database;
  keys: {
    /** AES-256-GCM key for TOTP secrets at rest. */
    totp: Buffer;
    /** HMAC key for client-address pseudonyms in the login log. */
    pepper: Buffer;
  };
  policy: typeof staffPolicy;
  now(): Date;
}

export function createStaffContext(opts: {
  database: Database;
  secrets: Secrets;
  now?: () => Date;
  policy?: typeof staffPolicy;
}): StaffContext {
  return {
    database: opts.database,
    keys: {
      totp: deriveKey(opts.secrets.appSecret, 'staff-totp'),
      pepper: deriveKey(opts.secrets.appSecret, 'staff-pepper'),
    },
    policy: opts.policy ?? staffPolicy,
    now: opts.now ?? (() => new Date()),
  };
}
