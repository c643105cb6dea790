import { timingSafeEqual } from 'node:crypto';
import { completeEnrolment, findCredentialsById, logLogin, loginHistory } from '../db/staff-repo.ts';
import { EnrolFinish, EnrolStart, ENROL_TICKET_MS } from '../domain/staff/roles.ts';
import { loginGate } from '../domain/staff/login-limits.ts';
import { hmacHex, random, sha256Hex, unseal } from '../lib/crypto.ts';
import { fieldErrors, type FieldErrors } from '../services/fields.ts';
import { firstFactor, loginAddressKey, loginSubjectKey, sessionKey } from './auth.ts';
import { hashPassword, totpStep, totpUri } from './credentials.ts';
import type { StaffContext } from './context.ts';

/**
 * TOTP enrolment at first login (an account made in the console) and after an admin reset it
 * (/staff/enrol/). Step 1 checks the password with the login limits; the QR code of the sealed secret is
 * then shown with a short-lived ticket (an HMAC over the account, the expiry and the sealed secret, so a
 * second reset voids it). Step 2 confirms one code from the app — and, when an admin set the password, a
 * new one — and signs in, in one batch (src/db/staff-repo.ts completeEnrolment).
 */
export interface EnrolmentStep {
  ticket: string;
  username: string;
  secret: string;
  uri: string;
  passwordChange: boolean;
}

export type EnrolStartResult =
  | ({ ok: true } & EnrolmentStep)
  | { ok: false; reason: 'invalid'; fields: FieldErrors }
  | { ok: false; reason: 'failed' }
  | { ok: false; reason: 'throttled' | 'delayed'; retryAfterS: number };

const ticketMac = (ctx: StaffContext, accountId: string, expires: number, sealed: string) =>
  hmacHex(ctx.keys.pepper, `staff-enrol:${accountId}:${expires}:${sha256Hex(sealed)}`);

export async function startEnrolment(ctx: StaffContext, raw: unknown, ip: string): Promise<EnrolStartResult> {
  const parsed = EnrolStart.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'invalid', fields: fieldErrors(parsed.error) };
  const first = await firstFactor(ctx, parsed.data.username, parsed.data.password, ip);
  if (!first.ok) return first;
  const { account, now, log } = first;
  const secret = account.totpPending ? unseal(ctx.keys.totp, account.totpSealed, `staff-totp:${account.id}`) : null;
  if (!secret) {
    // Enrolled already: the login page is the way in; answered like any failure.
    await log(account.id, 'code');
    return { ok: false, reason: 'failed' };
  }
  return {
    ok: true,
    ...stepFor(ctx, account.id, parsed.data.username, account.totpSealed, secret, account.passwordChange, now),
  };
}

function stepFor(
  ctx: StaffContext,
  accountId: string,
  username: string,
  sealed: string,
  secret: string,
  passwordChange: boolean,
  now: Date,
): EnrolmentStep {
  const expires = now.getTime() + ENROL_TICKET_MS;
  return {
    ticket: `${accountId}.${expires}.${ticketMac(ctx, accountId, expires, sealed)}`,
    username,
    secret,
    uri: totpUri(secret, username),
    passwordChange,
  };
}

export type EnrolFinishResult =
  | { ok: true; token: string; account: string }
  /** The code or new password is wrong: step 2 is shown again (same ticket). */
  | { ok: false; reason: 'invalid'; fields: FieldErrors; step: EnrolmentStep | null }
  /** The ticket is no longer good (expired, reset meanwhile, forged): back to step 1. */
  | { ok: false; reason: 'expired' }
  | { ok: false; reason: 'throttled' | 'delayed'; retryAfterS: number; step: EnrolmentStep | null };

export async function finishEnrolment(ctx: StaffContext, raw: unknown, ip: string): Promise<EnrolFinishResult> {
  const now = ctx.now();
  const ticketRaw = (raw as { ticket?: unknown } | null)?.ticket;
  const [accountId = '', expiresRaw = '', mac = ''] = typeof ticketRaw === 'string' ? ticketRaw.split('.') : [];
  const expires = Number(expiresRaw);
  const account = accountId.length <= 64 && accountId ? await findCredentialsById(ctx.database, accountId) : undefined;
  if (!account?.totpPending || account.disabledAt || !Number.isSafeInteger(expires) || expires < now.getTime())
    return { ok: false, reason: 'expired' };
  const expected = Buffer.from(ticketMac(ctx, account.id, expires, account.totpSealed));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'expired' };
  const secret = unseal(ctx.keys.totp, account.totpSealed, `staff-totp:${account.id}`);
  if (!secret) return { ok: false, reason: 'expired' };
  const step: EnrolmentStep = {
    ticket: String(ticketRaw),
    username: account.username,
    secret,
    uri: totpUri(secret, account.username),
    passwordChange: account.passwordChange,
  };

  const parsed = EnrolFinish.safeParse(raw);
  const fields = parsed.success ? {} : fieldErrors(parsed.error);
  if (parsed.success && account.passwordChange && parsed.data.newPassword === undefined)
    fields.newPassword = ['staff.password.required'];
  if (!parsed.success || Object.keys(fields).length) return { ok: false, reason: 'invalid', fields, step };

  // The same limits as the login: a wrong code here is a failed attempt of this username from this address.
  const ipKey = loginAddressKey(ctx, ip);
  const subjectKey = loginSubjectKey(ctx, account.username);
  const history = await loginHistory(
    ctx.database,
    { subjectKey, ipKey },
    {
      failures: new Date(now.getTime() - ctx.policy.failureWindowMs),
      address: new Date(now.getTime() - ctx.policy.addressWindowMs),
    },
  );
  const gate = loginGate(history, now, ctx.policy);
  if (!gate.ok) {
    await logLogin(ctx.database, { at: now, accountId: null, outcome: gate.reason, ipKey, subjectKey });
    return { ok: false, reason: gate.reason, retryAfterS: Math.ceil(gate.retryAfterMs / 1000), step };
  }
  if (gate.slowdownMs > 0) await ctx.sleep(gate.slowdownMs);
  const totp = totpStep(secret, parsed.data.code, now);
  if (totp === null) {
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'code', ipKey, subjectKey });
    return { ok: false, reason: 'invalid', fields: { code: ['staff.enrol.codeWrong'] }, step };
  }
  const token = Buffer.from(random(32)).toString('base64url');
  const done = await completeEnrolment(ctx.database, {
    idHash: sessionKey(token),
    accountId: account.id,
    csrfToken: Buffer.from(random(32)).toString('base64url'),
    now,
    step: totp,
    ipKey,
    subjectKey,
    totpSealed: account.totpSealed,
    passwordHash:
      account.passwordChange && parsed.data.newPassword ? await hashPassword(parsed.data.newPassword) : null,
  });
  if (!done) {
    await logLogin(ctx.database, { at: now, accountId: account.id, outcome: 'replayed', ipKey, subjectKey });
    return { ok: false, reason: 'expired' };
  }
  return { ok: true, token, account: account.id };
}
