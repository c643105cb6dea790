import {
  endSession,
  findCredentials,
  findSession,
  logLogin,
  recentFailures,
  startSession,
  touchSession,
  type StaffAccount,
} from '../db/staff-repo.ts';
import { LoginInput, lockedUntil, sessionState, type SessionEnd } from '../domain/staff/roles.ts';
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
const ipKeyOf = (ctx: StaffContext, ip: string) => hmacHex(ctx.keys.pepper, `staff-ip:${ip}`);

export type LoginResult =
  | { ok: true; token: string; account: string }
  | { ok: false; reason: 'invalid'; fields: FieldErrors }
  | { ok: false; reason: 'failed' | 'throttled' }
  | { ok: false; reason: 'locked'; until: Date };

/**
 * Check username, password and TOTP code. Every attempt is logged (staff_logins). Five failures of one
 * account within 15 minutes lock it until the oldest of them is 15 minutes old; a client address with
 * too many failures across accounts is throttled. The answer never says which factor was wrong.
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
  const now = ctx.now();
  const ipKey = ipKeyOf(ctx, ip);
  const since = new Date(now.getTime() - ctx.policy.lockoutWindowMs);
  if ((await recentFailures(ctx.database, { ipKey }, since)).length >= ctx.policy.failuresPerIp) {
    await logLogin(ctx.database, { at: now, accountId: null, outcome: 'throttled', ipKey });
    return { ok: false, reason: 'throttled' };
  }
  const account = await findCredentials(ctx.database, username);
  const passwordOk = await checkPassword(account?.passwordHash ?? null, password);
  if (!account) {
    await logLogin(ctx.database, { at: now, accountId: null, outcome: 'unknown', ipKey });
    return { ok: false, reason: 'failed' };
  }
  const until = lockedUntil(await recentFailures(ctx.database, { accountId: account.id }, since), now, ctx.policy);
  if (until) {
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'locked', ipKey });
    return { ok: false, reason: 'locked', until };
  }
  if (account.disabledAt) {
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'disabled', ipKey });
    return { ok: false, reason: 'failed' };
  }
  if (!passwordOk) {
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'password', ipKey });
    return { ok: false, reason: 'failed' };
  }
  const secret = unseal(ctx.keys.totp, account.totpSealed, `staff-totp:${account.id}`);
  const step = secret ? totpStep(secret, code, now) : null;
  if (step === null) {
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'code', ipKey });
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
    replacing: replacingToken ? sessionKey(replacingToken) : null,
  });
  if (!started) {
    // The code's time step was already used (a replayed or shoulder-surfed code).
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'replayed', ipKey });
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
