import { randomInt } from 'node:crypto';
import { t } from '../i18n/t.ts';
import { hmacHex, equalHex } from '../crypto.ts';
import { countOtpAttempt, findOtpChallenge, findSurvey, insertOtpChallenge } from '../db/surveys-repo.ts';
import { OtpStartInput, isSurveyOpen, OTP_LENGTH } from '../domain/surveys/schema.ts';
import { beijingDate, normalisePhone } from '../domain/feedback/schema.ts';
import { limitKey, type ChannelContext, type ClientInfo } from './context.ts';
import { notFound, parseInput, rateLimited, type Failure } from './fields.ts';

/**
 * Phone verification for survey eligibility (RELIABILITY.md §3.2.1), pluggable like FixMyStreet's
 * SMS sign-in: the portal talks to an `SmsSender`; production plugs in a provider adapter, tests a
 * recording double (tests/support/sms.ts). No SMS adapter configured: phone verification is off (503).
 * Codes: 6 digits from a CSPRNG, single use, valid 10 minutes, locked after 5 wrong tries; only an HMAC
 * of the code and a per-survey pseudonym of the phone are stored.
 */
export interface SmsMessage {
  phone: string;
  text: string;
}
export type SmsResult = { ok: true } | { ok: false; reason: 'rejected' | 'unavailable' };

/** The SMS adapter contract: send one text; report provider failures as a result, never throw. */
export interface SmsSender {
  send(message: SmsMessage): Promise<SmsResult>;
}

export const OTP_TTL_S = 600;
export const OTP_MAX_ATTEMPTS = 5;

/** The per-survey pseudonym of a verified phone: the `voter_key` of its response. */
export const phoneVoterKey = (ctx: ChannelContext, surveyId: string, phone: string) => hmacHex(ctx.keys.pepper, `voter:phone:${surveyId}:${phone}`);
const otpHash = (ctx: ChannelContext, challengeId: string, code: string) => hmacHex(ctx.keys.pepper, `otp:${challengeId}:${code}`);

export type OtpStarted = { ok: true; challengeId: string; expiresAt: string } | Failure;

export async function startPhoneVerification(ctx: ChannelContext, surveyId: string, raw: unknown, client: ClientInfo): Promise<OtpStarted> {
  const parsed = parseInput(OtpStartInput, raw);
  if (!parsed.ok) return parsed;
  const survey = await findSurvey(ctx.database, surveyId);
  if (!survey) return notFound;
  const now = ctx.now();
  if (!isSurveyOpen(survey, beijingDate(now))) return { ok: false, status: 409, code: 'conflict', fields: { _: ['surveys.closed'] } };
  if (!ctx.sms) return { ok: false, status: 503, code: 'unavailable' };
  const phone = normalisePhone(parsed.data.phone);
  const challengeId = crypto.randomUUID();
  const code = String(randomInt(0, 10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
  const hits = [
    ...ctx.limits.otpPerPhone.map((r) => ({ key: limitKey(ctx, `otp-phone-${r.windowS}`, phone), ...r })),
    { key: limitKey(ctx, 'otp-ip', client.ip), ...ctx.limits.otpPerIp },
  ];
  const stored = await insertOtpChallenge(
    ctx.database,
    { id: challengeId, surveyId, phoneKey: phoneVoterKey(ctx, surveyId, phone), codeHash: otpHash(ctx, challengeId, code), expiresAt: now.getTime() + OTP_TTL_S * 1000 },
    hits,
    now,
  );
  if (!stored.ok) return rateLimited(stored.retryAfterS);
  const sent = await ctx.sms.send({ phone, text: t('surveys.otp.sms', { code, minutes: OTP_TTL_S / 60 }) });
  if (!sent.ok) return { ok: false, status: 503, code: 'unavailable' };
  return { ok: true, challengeId, expiresAt: new Date(now.getTime() + OTP_TTL_S * 1000).toISOString() };
}

export type OtpCheck = { ok: true; voterKey: string; challengeId: string } | { ok: false; reason: 'expired' | 'locked' | 'wrong' };

/** Check a code for a survey; a wrong code counts towards the lock. */
export async function checkPhoneCode(ctx: ChannelContext, surveyId: string, otp: { challengeId: string; code: string }): Promise<OtpCheck> {
  const row = await findOtpChallenge(ctx.database, otp.challengeId);
  const now = ctx.now().getTime();
  if (!row || row.surveyId !== surveyId || row.usedAt !== null || row.expiresAt < now) return { ok: false, reason: 'expired' };
  if (row.attempts >= OTP_MAX_ATTEMPTS) return { ok: false, reason: 'locked' };
  if (!equalHex(otpHash(ctx, row.id, otp.code), row.codeHash)) {
    await countOtpAttempt(ctx.database, row.id);
    return { ok: false, reason: row.attempts + 1 >= OTP_MAX_ATTEMPTS ? 'locked' : 'wrong' };
  }
  return { ok: true, voterKey: row.phoneKey, challengeId: row.id };
}
