import type { StaffPolicy } from './roles.ts';

/**
 * Login limits that cannot be turned against the owner (issue 13; RELIABILITY.md §1 V6.3, §9 target 23).
 * Counters are kept per typed username (a keyed hash, so unknown usernames count exactly like real ones
 * and the answers cannot tell them apart) and per client address:
 *
 * - per (username, address): the first `pairFreeFailures` failures since the last success there are
 *   answered at once; then each attempt must wait `pairDelayBaseMs × 2^(n − free)` after the previous
 *   failure (1 s, 2 s, 4 s … up to `pairDelayMaxMs`). This is what slows a guesser at one address, and
 *   it never touches the owner at another address;
 * - per address, any username: `failuresPerIp` failures within `addressWindowMs` throttle the address
 *   (guessing across many accounts). The owner is affected only when sharing that address;
 * - per username, every address: a slowdown of the answer, `slowdownStepMs` per failure past
 *   `slowdownFreeFailures`, at most `slowdownMaxMs`. Never a refusal: a distributed guesser makes every
 *   attempt slower, but the owner with the right password and code always gets in.
 *
 * Refused attempts are not checked (so they tell nothing) and do not count as failures.
 */
export interface LoginHistory {
  /** Failures of this username from this address since its last success there, within the window. */
  pairFailures: readonly Date[];
  /** Failures from this address, any username, within the address window. */
  addressFailures: readonly Date[];
  /** Failures of this username from every address within the window. */
  usernameFailures: number;
}

export type LoginGate =
  { ok: true; slowdownMs: number } | { ok: false; reason: 'throttled' | 'delayed'; retryAfterMs: number };

type LimitPolicy = Omit<StaffPolicy, 'idleMs' | 'absoluteMs'>;

/** The wait required after the `n`-th failure of a (username, address) pair before the next attempt. */
export function pairDelayMs(n: number, policy: LimitPolicy): number {
  if (n < policy.pairFreeFailures) return 0;
  return Math.min(policy.pairDelayMaxMs, policy.pairDelayBaseMs * 2 ** (n - policy.pairFreeFailures));
}

/** The slowdown of every attempt on a username with `failures` recent failures from anywhere. */
export const slowdownMs = (failures: number, policy: LimitPolicy): number =>
  Math.min(policy.slowdownMaxMs, policy.slowdownStepMs * Math.max(0, failures - policy.slowdownFreeFailures));

/** Whether an attempt may be checked at `now`, and how much to slow its answer. */
export function loginGate(h: LoginHistory, now: Date, policy: LimitPolicy): LoginGate {
  const t = now.getTime();
  const address = h.addressFailures
    .map((d) => d.getTime())
    .filter((x) => x > t - policy.addressWindowMs && x <= t)
    .sort((a, b) => a - b);
  if (address.length >= policy.failuresPerIp) {
    // Lifts when enough of them leave the window to go below the limit.
    const lifts = address[address.length - policy.failuresPerIp]! + policy.addressWindowMs;
    return { ok: false, reason: 'throttled', retryAfterMs: Math.max(1000, lifts - t) };
  }
  const pair = h.pairFailures.map((d) => d.getTime()).filter((x) => x > t - policy.failureWindowMs && x <= t);
  const wait = pairDelayMs(pair.length, policy);
  if (wait > 0) {
    const until = Math.max(...pair) + wait;
    if (t < until) return { ok: false, reason: 'delayed', retryAfterMs: until - t };
  }
  return { ok: true, slowdownMs: slowdownMs(h.usernameFailures, policy) };
}
