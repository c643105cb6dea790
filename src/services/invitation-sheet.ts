import { consumeRateLimits } from '../db/rate-limit-repo.ts';
import { findSurvey } from '../db/surveys-repo.ts';
import { limitKey, type ChannelContext, type ClientInfo } from './context.ts';
import { invitationSheet, type InvitationSheet } from './invitations.ts';

export type SheetOpening =
  | { ok: true; sheet: InvitationSheet; periodLabel: string }
  | { ok: false; code: 'required' | 'unknown' | 'rate_limited' };

/**
 * Open the printable sheet of a batch from its sheet token (the /surveys/sheet/ form). Every attempt
 * counts against the caller's lookup allowance, like lookups of unknown codes, so tokens cannot be
 * guessed at scale; an empty token is `required`, a token that opens nothing `unknown`.
 */
export async function openInvitationSheet(
  ctx: ChannelContext,
  token: string,
  client: ClientInfo,
): Promise<SheetOpening> {
  const limit = await consumeRateLimits(
    ctx.database,
    [{ key: limitKey(ctx, 'sheet-ip', client.ip), ...ctx.limits.lookupFailuresPerIp }],
    ctx.now(),
  );
  if (!limit.ok) return { ok: false, code: 'rate_limited' };
  if (!token) return { ok: false, code: 'required' };
  const sheet = await invitationSheet(ctx, token);
  if (!sheet) return { ok: false, code: 'unknown' };
  const periodLabel = (await findSurvey(ctx.database, sheet.surveyId))?.periodLabel ?? '';
  return { ok: true, sheet, periodLabel };
}
