import { hash, verify } from '@node-rs/argon2';
import { Secret, TOTP } from 'otpauth';

/**
 * Passwords: Argon2id with the OWASP / RELIABILITY.md V11.4.2 parameters (m = 19 MiB, t = 2, p = 1) via
 * @node-rs/argon2 (prebuilt native binding, no install script; ~50 ms a hash on the test machine,
 * against ~510 ms for scrypt at N = 2^17). The library's default algorithm is Argon2id.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2);

/**
 * A fixed Argon2id hash (same parameters as ARGON2; a unit test keeps them equal) to verify against when
 * the username is unknown, so both paths cost one verification from the very first attempt (a hash made
 * lazily would make the first unknown username twice as slow).
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$ZNL8FU0UKIxtIWUGJtdpPA$96pmfsMKdXt8Mr8CEzHxGtTFnGxVjliSc+FVfYAW97I';
export const ARGON2_PARAMS = ARGON2;

export async function checkPassword(stored: string | null, password: string): Promise<boolean> {
  try {
    const ok = await verify(stored ?? DUMMY_HASH, password);
    return ok && stored !== null;
  } catch {
    return false;
  }
}

/**
 * TOTP (RFC 6238: SHA-1, 6 digits, 30 s) with otpauth, the common authenticator-app profile. One step
 * either side is accepted for clock drift; the caller refuses a step not newer than the last one used.
 */
export const TOTP_PERIOD_S = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secretBase32: string, label = 'staff'): TOTP {
  return new TOTP({
    issuer: 'Qinglian',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The time step a code belongs to (within ±1 step of `now`), or null when it is wrong. */
export function totpStep(secretBase32: string, code: string, now: Date): number | null {
  const delta = totpFor(secretBase32).validate({ token: code, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S) + delta;
}

/** The current code (tests, and the CLI's confirmation line). */
export function totpCode(secretBase32: string, now: Date): string {
  return totpFor(secretBase32).generate({ timestamp: now.getTime() });
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secretBase32: string, username: string): string {
  return totpFor(secretBase32, username).toString();
}
