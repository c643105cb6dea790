import type { Database } from '../db/client.ts';
import type { StaffKeys } from '../lib/secrets.ts';
import type { StaffPolicy } from '../domain/staff/roles.ts';

/**
 * What the staff console's use cases need, built once by the composition root (src/app-context.ts) and
 * passed to Astro pages as `locals.staff`. The clock is injected so tests can move it (lockout, idle and
 * absolute session expiry).
 */
export interface StaffContext {
  database: Database;
  /** TOTP secrets at rest, login-log pseudonyms (src/lib/secrets.ts). */
  keys: StaffKeys;
  policy: StaffPolicy;
  now(): Date;
  /** Waits (the login slowdown); tests pass one that records instead of waiting. */
  sleep(ms: number): Promise<void>;
}
