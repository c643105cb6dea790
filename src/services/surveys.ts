import { findUnit } from '../db/units-repo.ts';
import {
  findSurvey,
  insertResponse,
  listSurveys,
  listUnitsOfCarrier,
  tallyAnswers,
  type SurveyRow,
} from '../db/surveys-repo.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import { checkAnswers, excludedRelations, isSurveyOpen, SurveyResponseInput } from '../domain/surveys/schema.ts';
import { emptyCounts, rankUnits, satisfaction, MIN_SAMPLE, type AnswerCounts } from '../domain/surveys/results.ts';
import { toSatisfactionOut, type SurveyResults, type SurveyView } from '../domain/surveys/public.ts';
import type { QuestionId } from '../domain/surveys/questions.ts';
import { limitKey, type ChannelContext, type ClientInfo } from './context.ts';
import { fieldErrors, mergeErrors, unsafeTextErrors } from './fields.ts';
import { alreadyUsed, conflict, invalid, invalidText, notFound, rateLimited, type Failure } from './outcome.ts';
import { invitationVoterKey, lookupInvitation } from './invitations.ts';
import { checkPhoneCode } from './otp.ts';

export type { SurveyRow };

export function toSurveyView(s: SurveyRow, now: Date): SurveyView {
  return {
    id: s.id,
    carrier: s.carrier,
    periodLabel: s.periodLabel,
    opensOn: s.opensOn,
    closesOn: s.closesOn,
    open: isSurveyOpen(s, beijingDate(now)),
    questions: [...s.questionIds],
  };
}

/** Every survey (to answer one); `published` keeps only those whose results are public. */
export async function surveyViews(ctx: ChannelContext, opts: { published?: boolean } = {}): Promise<SurveyView[]> {
  const now = ctx.now();
  return (await listSurveys(ctx.database))
    .filter((s) => !opts.published || s.publishedAt !== null)
    .map((s) => toSurveyView(s, now));
}

/**
 * Results of a survey: per unit and question, rate = (satisfied + fairlySatisfied) / valid with `unsure` kept, also the
 * rate without `unsure`, n and 95 % Wilson intervals; staff of the unit are not counted; units below the
 * minimum sample are shown but never ranked.
 */
export async function surveyResults(
  ctx: ChannelContext,
  surveyId: string,
  opts: { unpublished?: boolean } = {},
): Promise<SurveyResults | null> {
  const survey = await findSurvey(ctx.database, surveyId);
  // Results are public only once the commission has published them (issue 17); the console may look earlier.
  if (!survey || (!survey.publishedAt && !opts.unpublished)) return null;
  const [tally, unitList] = await Promise.all([
    tallyAnswers(ctx.database, surveyId),
    listUnitsOfCarrier(ctx.database, survey.carrier, survey.unitIds),
  ]);
  const counts = new Map<string, AnswerCounts>();
  const total = emptyCounts();
  for (const row of tally) {
    const k = `${row.unitId}|${row.questionId}`;
    const c = counts.get(k) ?? emptyCounts();
    c[row.answer] += row.n;
    counts.set(k, c);
    if (row.questionId === survey.questionIds[0]) total[row.answer] += row.n;
  }
  const rows = unitList.map((u) => {
    const questions = survey.questionIds.map((q: QuestionId) => ({
      questionId: q,
      result: satisfaction(counts.get(`${u.id}|${q}`) ?? emptyCounts()),
    }));
    return { unitId: u.id, unitName: u.name, result: questions[0]!.result, questions };
  });
  return {
    survey: toSurveyView(survey, ctx.now()),
    minSample: MIN_SAMPLE,
    method: 'portal',
    carrierTotal: toSatisfactionOut(satisfaction(total)),
    units: rankUnits(rows).map((r) => ({
      unitId: r.unitId,
      unitName: r.unitName,
      rank: r.rank,
      headline: toSatisfactionOut(r.result),
      questions: r.questions.map((q) => ({ questionId: q.questionId, result: toSatisfactionOut(q.result) })),
    })),
  };
}

export type ResponseResult = { ok: true; surveyId: string; unitId: string; counted: boolean } | Failure;

/** Record one response; eligibility by invitation code or verified phone, one per (survey, person). */
export async function submitSurveyResponse(
  ctx: ChannelContext,
  surveyId: string,
  raw: unknown,
  client: ClientInfo,
): Promise<ResponseResult> {
  const unsafe = unsafeTextErrors(raw);
  if (unsafe) return invalidText(unsafe);
  const survey = await findSurvey(ctx.database, surveyId);
  const parsed = SurveyResponseInput.safeParse(raw);
  if (!parsed.success) {
    if (!survey) return notFound;
    // List every unanswered question too, not just "answers is invalid", so a form shows them all.
    const errors = fieldErrors(parsed.error);
    const given = (raw as { answers?: unknown } | null)?.answers;
    const answers =
      given && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, string>) : {};
    const { answers: _whole, ...rest } = errors;
    return invalid(
      mergeErrors(
        rest,
        checkAnswers(survey.questionIds, answers),
        _whole && Object.keys(answers).length ? { answers: _whole } : {},
      ),
    );
  }
  const input = parsed.data;
  if (!survey) return notFound;
  const answerErrors = checkAnswers(survey.questionIds, input.answers);

  let voterKey: string;
  let unitId: string;
  let invitationId: string | undefined;
  let otpChallengeId: string | undefined;
  if (input.invitationCode !== undefined) {
    if (Object.keys(answerErrors).length) return invalid(answerErrors);
    const found = await lookupInvitation(ctx, input.invitationCode, client, surveyId);
    if (!found.ok) return found;
    if (input.unitId !== undefined && input.unitId !== found.invitation.unitId)
      return invalid({ unitId: ['surveys.unit.mismatch'] });
    voterKey = invitationVoterKey(ctx, found.invitation.id);
    unitId = found.invitation.unitId;
    invitationId = found.invitation.id;
  } else {
    const unit = input.unitId ? await findUnit(ctx.database, input.unitId) : undefined;
    const errors = mergeErrors(
      answerErrors,
      unit && unit.carrier === survey.carrier ? {} : { unitId: ['surveys.unit.mismatch'] },
    );
    if (Object.keys(errors).length) return invalid(errors);
    if (!isSurveyOpen(survey, beijingDate(ctx.now()))) return conflict({ _: ['surveys.closed'] });
    const checked = await checkPhoneCode(ctx, surveyId, input.otp!);
    if (!checked.ok) return invalid({ otp: [`surveys.otp.${checked.reason}`] });
    voterKey = checked.voterKey;
    unitId = unit!.id;
    otpChallengeId = checked.challengeId;
  }
  const now = ctx.now();
  const stored = await insertResponse(
    ctx.database,
    {
      id: crypto.randomUUID(),
      surveyId,
      unitId,
      voterKey,
      via: invitationId ? 'invitation' : 'otp',
      relation: input.relation,
      submittedOn: beijingDate(now),
      answers: input.answers,
      invitationId,
      otpChallengeId,
    },
    [{ key: limitKey(ctx, 'survey-ip', client.ip), ...ctx.limits.responsesPerIp }],
    now,
  );
  if (!stored.ok) {
    if (stored.reason === 'rate_limited') return rateLimited(stored.retryAfterS);
    return alreadyUsed({ [invitationId ? 'invitationCode' : 'otp']: ['surveys.response.duplicate'] });
  }
  return { ok: true, surveyId, unitId, counted: !excludedRelations.includes(input.relation) };
}
