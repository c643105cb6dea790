import { hmacHex, random, seal, unseal } from '../lib/crypto.ts';
import { findUnit } from '../db/units-repo.ts';
import {
  findBatchByToken,
  findInvitation,
  findSurvey,
  insertInvitationBatch,
  type InvitationRow,
  type SurveyRow,
} from '../db/surveys-repo.ts';
import { consumeRateLimits } from '../db/rate-limit-repo.ts';
import {
  bytesFor,
  encodeCrockford,
  formatCode,
  INVITATION_CODE_LENGTH,
  normaliseCode,
} from '../domain/feedback/tracking.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import { isSurveyOpen } from '../domain/surveys/schema.ts';
import { limitKey, type ChannelContext, type ClientInfo } from './context.ts';
import { alreadyUsed, conflict, invalid, rateLimited, type Failure } from './outcome.ts';

/**
 * Single-use invitation codes for closed groups (a parents' meeting, a villagers' meeting), the strongest no-SMS option
 * (RELIABILITY.md §3.1, LimeSurvey tokens). Codes are looked up by HMAC; they are also sealed with a
 * server key so the printable sheet can be shown again, from its own sheet token.
 */
export const SHEET_TOKEN_LENGTH = 16;
export const BATCH_SIZE_MAX = 500;

export const invitationHash = (ctx: ChannelContext, code: string) => hmacHex(ctx.keys.pepper, `invitation:${code}`);
export const sheetTokenHash = (ctx: ChannelContext, token: string) => hmacHex(ctx.keys.pepper, `sheet:${token}`);
/** The voter key of a response made with an invitation code: one code, one response. */
export const invitationVoterKey = (ctx: ChannelContext, invitationId: string) =>
  hmacHex(ctx.keys.pepper, `voter:invitation:${invitationId}`);

export interface CreatedBatch {
  batchId: string;
  /** Opens the printable sheet at /surveys/sheet/ (shown once; only its hash is stored). */
  sheetToken: string;
  codes: string[];
}

/**
 * Generate a batch of codes for one unit of a survey (the staff console calls this; the demo seed too,
 * with a deterministic `randomBytes` so the README can list demo codes).
 */
export async function createInvitationBatch(
  ctx: ChannelContext,
  opts: {
    surveyId: string;
    unitId: string;
    size: number;
    label: string;
    actor?: string;
    randomBytes?: (n: number) => Uint8Array;
  },
): Promise<CreatedBatch> {
  const rnd = opts.randomBytes ?? random;
  if (!Number.isInteger(opts.size) || opts.size < 1 || opts.size > BATCH_SIZE_MAX)
    throw new RangeError(`batch size must be 1..${BATCH_SIZE_MAX}`);
  const survey = await findSurvey(ctx.database, opts.surveyId);
  const unit = await findUnit(ctx.database, opts.unitId);
  if (!survey || !unit || unit.carrier !== survey.carrier)
    throw new Error('unknown survey, unknown unit, or a unit of another carrier');
  const batchId = crypto.randomUUID();
  const sheetToken = encodeCrockford(rnd(bytesFor(SHEET_TOKEN_LENGTH)), SHEET_TOKEN_LENGTH);
  const codes = [
    ...new Set(
      Array.from({ length: opts.size }, () =>
        encodeCrockford(rnd(bytesFor(INVITATION_CODE_LENGTH)), INVITATION_CODE_LENGTH),
      ),
    ),
  ];
  await insertInvitationBatch(
    ctx.database,
    {
      id: batchId,
      surveyId: opts.surveyId,
      unitId: opts.unitId,
      label: opts.label,
      tokenHash: sheetTokenHash(ctx, sheetToken),
      codes: codes.map((code) => {
        const id = crypto.randomUUID();
        return { id, codeHash: invitationHash(ctx, code), sealed: seal(ctx.keys.seal, code, `invitation:${id}`) };
      }),
    },
    ctx.now(),
    opts.actor,
  );
  return { batchId, sheetToken, codes };
}

export interface InvitationSheet {
  surveyId: string;
  unitId: string;
  unitName: string;
  label: string;
  codes: { code: string; used: boolean }[];
}

/** The printable sheet for a sheet token, or null. */
export async function invitationSheet(ctx: ChannelContext, rawToken: string): Promise<InvitationSheet | null> {
  const token = normaliseCode(rawToken, SHEET_TOKEN_LENGTH);
  if (!token) return null;
  const batch = await findBatchByToken(ctx.database, sheetTokenHash(ctx, token));
  if (!batch) return null;
  return {
    surveyId: batch.surveyId,
    unitId: batch.unitId,
    unitName: batch.unitName,
    label: batch.label,
    codes: batch.codes.map((c) => ({
      code: formatCode(unseal(ctx.keys.seal, c.sealed, `invitation:${c.id}`) ?? ''),
      used: c.usedAt !== null,
    })),
  };
}

export type InvitationLookup = { ok: true; invitation: InvitationRow; survey: SurveyRow; unitName: string } | Failure;

/**
 * Resolve an invitation code for a response: every attempt on a code counts against that code, and
 * unknown codes count against the caller's IP, so codes cannot be guessed at scale.
 */
export async function lookupInvitation(
  ctx: ChannelContext,
  rawCode: string,
  client: ClientInfo,
  surveyId?: string,
): Promise<InvitationLookup> {
  const now = ctx.now();
  const code = normaliseCode(rawCode, INVITATION_CODE_LENGTH);
  if (!code) return invalid({ invitationCode: ['surveys.invitationCode.invalid'] });
  const perCode = await consumeRateLimits(
    ctx.database,
    [{ key: limitKey(ctx, 'invitation-code', code), ...ctx.limits.attemptsPerInvitation }],
    now,
  );
  if (!perCode.ok) return rateLimited(perCode.retryAfterS);
  const invitation = await findInvitation(ctx.database, invitationHash(ctx, code));
  // A code of another survey answers exactly like an unknown one: the answer must not tell a guesser that
  // a code exists somewhere (issue 13).
  if (!invitation || (surveyId !== undefined && invitation.surveyId !== surveyId)) {
    const miss = await consumeRateLimits(
      ctx.database,
      [{ key: limitKey(ctx, 'lookup-miss-ip', client.ip), ...ctx.limits.lookupFailuresPerIp }],
      now,
    );
    return miss.ok ? invalid({ invitationCode: ['surveys.invitationCode.unknown'] }) : rateLimited(miss.retryAfterS);
  }
  if (invitation.usedAt) return alreadyUsed({ invitationCode: ['surveys.invitationCode.used'] });
  const survey = await findSurvey(ctx.database, invitation.surveyId);
  if (!survey) return invalid({ invitationCode: ['surveys.invitationCode.unknown'] });
  if (!isSurveyOpen(survey, beijingDate(now))) return conflict({ _: ['surveys.closed'] });
  const unit = await findUnit(ctx.database, invitation.unitId);
  return { ok: true, invitation, survey, unitName: unit?.name ?? invitation.unitId };
}
