import { z } from 'zod';
import type { Database } from '../db/client.ts';
import { commentCounts, insertComment, listComments } from '../db/scoring-repo.ts';
import { CommentInput } from '../domain/scoring/inputs.ts';
import { allIndicators, type Standard } from '../domain/scoring/standard.ts';
import { HOUR, limitKey, type ChannelContext, type ClientInfo } from './context.ts';
import { parseInput } from './fields.ts';
import { invalid, rateLimited, type Failure } from './outcome.ts';

/**
 * Consultation (consultation) on a draft standard: anyone may comment on an indicator through a plain HTML form;
 * anti-abuse as in the feedback channel (honeypot field, per-IP rate limit in the same batch as the insert).
 * The public sees counts per indicator; the comments themselves are for staff.
 */
export const COMMENT_LIMIT_PER_IP = { limit: 10, windowS: HOUR } as const;

const CommentForm = CommentInput.extend({
  /** Honeypot: people never see it, naive bots fill it in (same rule as the feedback form). */
  website: z.string('feedback.honeypot.filled').max(0, 'feedback.honeypot.filled').optional(),
});

/** The draft open for comments: the latest standard with status `draft`. */
export const draftStandard = (standards: readonly Standard[]): Standard | undefined =>
  standards.filter((s) => s.status === 'draft').toSorted((a, b) => b.year - a.year)[0];

export type CommentResult = { ok: true } | Failure;

export async function submitComment(
  ctx: ChannelContext,
  draft: Standard,
  raw: unknown,
  client: ClientInfo,
): Promise<CommentResult> {
  const parsed = parseInput(CommentForm, raw);
  if (!parsed.ok) return parsed;
  const { indicatorKey, body } = parsed.data;
  if (indicatorKey !== 'general' && !allIndicators(draft).some((i) => i.indicator.key === indicatorKey)) {
    return invalid({ indicatorKey: ['scoring.comment.indicator.invalid'] });
  }
  const hits = [{ key: limitKey(ctx, 'consultation-ip', client.ip), ...COMMENT_LIMIT_PER_IP }];
  const r = await insertComment(ctx.database, { year: draft.year, indicatorKey, body }, hits, ctx.now());
  return r.ok ? { ok: true } : rateLimited(r.retryAfterS);
}

/** Public counts per indicator key of a draft. */
export async function consultationCounts(ctx: ChannelContext, draft: Standard): Promise<Map<string, number>> {
  return commentCounts(ctx.database, draft.year);
}

/** The comments on a draft, newest first (staff only: the public sees counts). */
export async function listConsultationComments(ctx: { database: Database }, draft: Standard) {
  return listComments(ctx.database, draft.year);
}
