import { randomInt } from 'node:crypto';
import { t } from '../i18n/t.ts';
import { hmacHex, equalHex } from '../lib/crypto.ts';
import { countOtpAttempt, findOtpChallenge, findSurvey, insertOtpChallenge } from '../db/surveys-repo.ts';
import { OtpStartInput, isSurveyOpen, OTP_LENGTH } from '../domain/surveys/schema.ts';
import { normalisePhone } from '../domain/feedback/schema.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import type { ChannelContext } from './context.ts';
import { limitKey, type ClientInfo } from './limit-key.ts';
import { parseInput } from './fields.ts';
import { conflict, notFound, rateLimited, unavailable, type Failure } from './outcome.ts';

/**
 * Phone verification for survey eligibility (RELIABILITY.md §3.2.1), pluggable at two levels:
 * - `PhoneVerifier`: how a phone is proven (the channel holds one, or none: then phone verification is
 *   off and answers 503). `smsOtpVerifier` is the one provided here.
 * - `SmsSender`: the SMS adapter contract the OTP verifier talks to; production plugs in a provider
 *   adapter, tests a recording double (tests/support/sms.ts), like FixMyStreet's SMS sign-in.
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

export type OtpStarted = { ok: true; challengeId: string; expiresAt: string } | Failure;
export type OtpCheck =
  { ok: true; voterKey: string; challengeId: string } | { ok: false; reason: 'expired' | 'locked' | 'wrong' };

/** Proves that a respondent holds a phone; the result is a per-survey pseudonym (the voter key). */
export interface PhoneVerifier {
  readonly kind: string;
  /** Send a challenge to a normalised phone for an open survey (limits are the verifier's business). */
  start(ctx: ChannelContext, surveyId: string, phone: string, client: ClientInfo): Promise<OtpStarted>;
  /** Check the answer to a challenge; a wrong answer counts towards its lock. */
  check(ctx: ChannelContext, surveyId: string, otp: { challengeId: string; code: string }): Promise<OtpCheck>;
}

export const OTP_TTL_S = 600;
export const OTP_MAX_ATTEMPTS = 5;

/** The per-survey pseudonym of a verified phone: the `voter_key` of its response. */
export const phoneVoterKey = (ctx: ChannelContext, surveyId: string, phone: string) =>
  hmacHex(ctx.keys.pepper, `voter:phone:${surveyId}:${phone}`);
const otpHash = (ctx: ChannelContext, challengeId: string, code: string) =>
  hmacHex(ctx.keys.pepper, `otp:${challengeId}:${code}`);

/**
 * One-time codes by SMS, state in the database (otp_challenges), so several instances can share it.
 * `signature` is the site's name (content/city.yaml) the text is signed with.
 */
export function smsOtpVerifier(sender: SmsSender, signature: string): PhoneVerifier {
  return {
    kind: 'sms',
    async start(ctx, surveyId, phone, client) {
      const now = ctx.now();
      const challengeId = crypto.randomUUID();
      const code = String(randomInt(0, 10 ** OTP_LENGTH)).padStart(OTP_LENGTH, '0');
      const hits = [
        ...ctx.limits.otpPerPhone.map((r) => ({ key: limitKey(ctx, `otp-phone-${r.windowS}`, phone), ...r })),
        { key: limitKey(ctx, 'otp-ip', client.ip), ...ctx.limits.otpPerIp },
      ];
      const expiresAt = now.getTime() + OTP_TTL_S * 1000;
      const stored = await insertOtpChallenge(
        ctx.database,
        {
          id: challengeId,
          surveyId,
          phoneKey: phoneVoterKey(ctx, surveyId, phone),
          codeHash: otpHash(ctx, challengeId, code),
          expiresAt,
        },
        hits,
        now,
      );
      if (!stored.ok) return rateLimited(stored.retryAfterS);
      const sent = await sender.send({
        phone,
        text: t('surveys.otp.sms', { site: signature, code, minutes: OTP_TTL_S / 60 }),
      });
      if (!sent.ok) return unavailable;
      return { ok: true, challengeId, expiresAt: new Date(expiresAt).toISOString() };
    },
    async check(ctx, surveyId, otp) {
      const row = await findOtpChallenge(ctx.database, otp.challengeId);
      const now = ctx.now().getTime();
      if (!row || row.surveyId !== surveyId || row.usedAt !== null || row.expiresAt < now)
        return { ok: false, reason: 'expired' };
      if (row.attempts >= OTP_MAX_ATTEMPTS) return { ok: false, reason: 'locked' };
      if (!equalHex(otpHash(ctx, row.id, otp.code), row.codeHash)) {
        await countOtpAttempt(ctx.database, row.id);
        return { ok: false, reason: row.attempts + 1 >= OTP_MAX_ATTEMPTS ? 'locked' : 'wrong' };
      }
      return { ok: true, voterKey: row.phoneKey, challengeId: row.id };
    },
  };
}

/** POST /api/surveys/{id}/otp: validate, check the survey is open, hand over to the channel's verifier. */
export async function startPhoneVerification(
  ctx: ChannelContext,
  surveyId: string,
  raw: unknown,
  client: ClientInfo,
): Promise<OtpStarted> {
  const parsed = parseInput(OtpStartInput, raw);
  if (!parsed.ok) return parsed;
  const survey = await findSurvey(ctx.database, surveyId);
  if (!survey) return notFound;
  if (!isSurveyOpen(survey, beijingDate(ctx.now()))) return conflict({ _: ['surveys.closed'] });
  if (!ctx.phone) return unavailable;
  return ctx.phone.start(ctx, surveyId, normalisePhone(parsed.data.phone), client);
}

/** Check a phone code for a survey with the channel's verifier (none configured: never valid). */
export async function checkPhoneCode(
  ctx: ChannelContext,
  surveyId: string,
  otp: { challengeId: string; code: string },
): Promise<OtpCheck> {
  return ctx.phone ? ctx.phone.check(ctx, surveyId, otp) : { ok: false, reason: 'expired' };
}
