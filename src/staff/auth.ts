import {
  endSession,
  findCredentials,
  findSession,
  logLogin,
  loginHistory,
  startSession,
  touchSession,
  type LoginOutcome,
  type StaffAccount,
} from '../db/staff-repo.ts';
import { LoginInput, sessionState, type SessionEnd } from '../domain/staff/roles.ts';
import { loginGate } from '../domain/staff/login-limits.ts';
import { hmacHex, random, sha256Hex, unseal } from '../lib/crypto.ts';
import { fieldErrors, type FieldErrors } from '../services/fields.ts';
import { checkPassword, totpStep } from './credentials.ts';
import type { StaffContext } from './context.ts';

/**
 * Staff login and server-side sessions (RELIABILITY.md §1 V6, V7). The cookie carries a 256-bit random
 * token; the table keeps only its SHA-256, so a copy of the database opens no session.
 */
export const SESSION_COOKIE = '__Host-qinglian-staff';

export const sessionKey = (token: string): string => sha256Hex(`staff-session:${token}`);
/** The typed username's pseudonym (whether or not an account has it): what the login limits count by. */
export const loginSubjectKey = (ctx: StaffContext, username: string) =>
  hmacHex(ctx.keys.pepper, `staff-username:${username}`);
/** The client address's pseudonym in the login log. */
export const loginAddressKey = (ctx: StaffContext, ip: string) => hmacHex(ctx.keys.pepper, `staff-ip:${ip}`);

export type LoginResult =
  | { ok: true; token: string; account: string }
  | { ok: false; reason: 'invalid'; fields: FieldErrors }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled' | 'delayed'; retryAfterS: number };

type Credentials = NonNullable<Awaited<ReturnType<typeof findCredentials>>>;

export type FirstFactor =
  | {
      ok: true;
      account: Credentials;
      now: Date;
      ipKey: string;
      subjectKey: string;
      log: (accountId: string | null, outcome: LoginOutcome) => Promise<void>;
    }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled' | 'delayed'; retryAfterS: number };

/**
 * The login limits and the password, shared by the login and the enrolment step: every attempt is logged,
 * an unknown username costs one Argon2 verification like a known one, and every failure answers the same.
 */
export async function firstFactor(
  ctx: StaffContext,
  username: string,
  password: string,
  ip: string,
): Promise<FirstFactor> {
  const now = ctx.now();
  const ipKey = loginAddressKey(ctx, ip);
  const subjectKey = loginSubjectKey(ctx, username);
  const history = await loginHistory(
    ctx.database,
    { subjectKey, ipKey },
    {
      failures: new Date(now.getTime() - ctx.policy.failureWindowMs),
      address: new Date(now.getTime() - ctx.policy.addressWindowMs),
    },
  );
  const gate = loginGate(history, now, ctx.policy);
  const log = (accountId: string | null, outcome: LoginOutcome) =>
    logLogin(ctx.database, { at: now, accountId, outcome, ipKey, subjectKey });
  if (!gate.ok) {
    await log(null, gate.reason);
    return { ok: false, reason: gate.reason, retryAfterS: Math.ceil(gate.retryAfterMs / 1000) };
  }
  if (gate.slowdownMs > 0) await ctx.sleep(gate.slowdownMs);
  const account = await findCredentials(ctx.database, username);
  const passwordOk = await checkPassword(account?.passwordHash ?? null, password);
  if (!account) {
    await log(null, 'unknown');
    return { ok: false, reason: 'failed' };
  }
  if (account.disabledAt) {
    await log(account.id, 'disabled');
    return { ok: false, reason: 'failed' };
  }
  if (!passwordOk) {
    await log(account.id, 'password');
    return { ok: false, reason: 'failed' };
  }
  return { ok: true, account, now, ipKey, subjectKey, log };
}

/**
 * Check username, password and TOTP code. Every attempt is logged (staff_logins). The limits
 * (src/domain/staff/login-limits.ts) count per typed username and per client address, never lock an
 * account, and treat an unknown username exactly like a known one: the same checks, one Argon2
 * verification either way, the same answers. The answer never says which factor was wrong.
 */
export async function login(
  ctx: StaffContext,
  raw: unknown,
  ip: string,
  replacingToken: string | null,
): Promise<LoginResult> {
  const parsed = LoginInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid', fields: fieldErrors(parsed.error) };
  const { username, password, code } = parsed.data;
  const first = await firstFactor(ctx, username, password, ip);
  if (!first.ok) return first;
  const { account, now, ipKey, subjectKey, log } = first;
  if (account.totpPending) {
    // Not enrolled yet (or reset): only /staff/enrol/ signs this account in; the answer here is the same failure.
    await log(account.id, 'code');
    return { ok: false, reason: 'failed' };
  }
  const secret = unseal(ctx.keys.totp, account.totpSealed, `staff-totp:${account.id}`);
  const step = secret ? totpStep(secret, code, now) : null;
  if (step === null) {
    await log(account.id, 'code');
    return { ok: false, reason: 'failed' };
  }
  const token = Buffer.from(random(32)).toString('base64url');
  const started = await startSession(ctx.database, {
    idHash: sessionKey(token),
    accountId: account.id,
    csrfToken: Buffer.from(random(32)).toString('base64url'),
    now,
    step,
    ipKey,
    subjectKey,
    replacing: replacingToken ? sessionKey(replacingToken) : null,
  });
  if (!started) {
    // The code's time step was already used (a replayed or shoulder-surfed code).
    await log(account.id, 'replayed');
    return { ok: false, reason: 'failed' };
  }
  return { ok: true, token, account: account.id };
}

export interface StaffSession {
  key: string;
  csrfToken: string;
  account: StaffAccount;
  expiresAt: Date;
}

/** Only write `last_seen_at` when it is this old: a page view need not cost a commit. */
const TOUCH_AFTER_MS = 60_000;

/** The session a cookie token opens at `now`, or why it does not. */
export async function resolveSession(
  ctx: StaffContext,
  token: string | undefined,
): Promise<{ ok: true; session: StaffSession } | { ok: false; reason: SessionEnd | 'none' }> {
  if (!token || token.length > 100) return { ok: false, reason: 'none' };
  const row = await findSession(ctx.database, sessionKey(token));
  if (!row) return { ok: false, reason: 'none' };
  const now = ctx.now();
  const state = sessionState(row, row.account.disabled, now, ctx.policy);
  if (!state.ok) return state;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_AFTER_MS) await touchSession(ctx.database, row.idHash, now);
  const expiresAt = new Date(
    Math.min(row.createdAt.getTime() + ctx.policy.absoluteMs, now.getTime() + ctx.policy.idleMs),
  );
  return { ok: true, session: { key: row.idHash, csrfToken: row.csrfToken, account: row.account, expiresAt } };
}

export async function logout(ctx: StaffContext, session: StaffSession): Promise<void> {
  await endSession(ctx.database, session.key, session.account.id, ctx.now());
}
