import {
  findSurvey,
  insertSurvey,
  listBatches,
  listSurveys,
  listUnitsOfCarrier,
  markSurvey,
  unusedCodes,
} from '../db/surveys-repo.ts';
import type { BatchSummary, SurveyRow } from '../db/surveys-repo.ts';
import { beijingDate } from '../domain/calendar/dates.ts';
import { formatCode } from '../domain/feedback/tracking.ts';
import {
  BatchInput,
  canClose,
  canIssue,
  canPublish,
  NewSurveyInput,
  surveyQuestions,
  surveyStage,
  type StandardSummary,
  type SurveyStage,
} from '../domain/surveys/lifecycle.ts';
import { unseal } from '../lib/crypto.ts';
import type { ChannelContext } from './context.ts';
import { parseInput } from './fields.ts';
import { createInvitationBatch } from './invitations.ts';
import { conflict, invalid, notFound, type Failure } from './outcome.ts';

/**
 * The commission's survey console (/staff/surveys/, issue 17): create a survey for a carrier, some or all
 * of its units and a period, with the questions of that year's standard; issue invitation batches; print
 * the unused codes; close; publish the results. Every step writes its audit row in the same batch.
 */
export type { BatchSummary, SurveyStage };

export interface SurveyAdminView {
  survey: SurveyRow;
  stage: SurveyStage;
  /** The units the survey covers (every unit of the carrier when it names none). */
  units: { id: string; name: string }[];
  batches: BatchSummary[];
}

export async function createSurvey(
  ctx: ChannelContext,
  raw: unknown,
  standards: readonly StandardSummary[],
  actor: string,
): Promise<{ ok: true; id: string } | Failure> {
  const parsed = parseInput(NewSurveyInput, raw);
  if (!parsed.ok) return parsed;
  const input = parsed.data;
  const questions = surveyQuestions(standards, input.year, input.carrier);
  if (!questions.ok) return invalid({ [questions.field]: [questions.key] });
  const unitIds = [...new Set(input.unitIds)];
  if (unitIds.length) {
    const known = new Set((await listUnitsOfCarrier(ctx.database, input.carrier, unitIds)).map((u) => u.id));
    if (unitIds.some((u) => !known.has(u))) return invalid({ unitIds: ['surveys.units.unknown'] });
  }
  const id = `${input.carrier}-${input.year}-${crypto.randomUUID().slice(0, 8)}`;
  await insertSurvey(
    ctx.database,
    {
      id,
      carrier: input.carrier,
      periodLabel: input.periodLabel,
      opensOn: input.opensOn,
      closesOn: input.closesOn,
      questionIds: questions.questionIds,
      unitIds: unitIds.length ? unitIds : null,
      standardYear: input.year,
    },
    ctx.now(),
    actor,
  );
  return { ok: true, id };
}

export async function surveyAdminView(ctx: ChannelContext, id: string): Promise<SurveyAdminView | null> {
  const survey = await findSurvey(ctx.database, id);
  if (!survey) return null;
  const [units, batches] = await Promise.all([
    listUnitsOfCarrier(ctx.database, survey.carrier, survey.unitIds),
    listBatches(ctx.database, id),
  ]);
  return { survey, stage: surveyStage(survey, beijingDate(ctx.now())), units, batches };
}

/** Issue N codes for one unit of the survey (not once it is closed). */
export async function issueBatch(
  ctx: ChannelContext,
  surveyId: string,
  raw: unknown,
  actor: string,
): Promise<{ ok: true; batchId: string; size: number } | Failure> {
  const view = await surveyAdminView(ctx, surveyId);
  if (!view) return notFound;
  const parsed = parseInput(BatchInput, raw);
  if (!parsed.ok) return parsed;
  if (!view.units.some((u) => u.id === parsed.data.unitId)) return invalid({ unitId: ['surveys.batch.unit.unknown'] });
  if (!canIssue(view.stage)) return conflict({ _: ['surveys.admin.closedNoBatch'] });
  const batch = await createInvitationBatch(ctx, { surveyId, ...parsed.data, actor });
  return { ok: true, batchId: batch.batchId, size: batch.codes.length };
}

/** Close (no more responses) or publish (results public; a published survey is closed too). */
export async function advanceSurvey(
  ctx: ChannelContext,
  surveyId: string,
  step: 'close' | 'publish',
  actor: string,
): Promise<{ ok: true } | Failure> {
  const view = await surveyAdminView(ctx, surveyId);
  if (!view) return notFound;
  if (!(step === 'close' ? canClose : canPublish)(view.stage))
    return conflict({ _: [step === 'close' ? 'surveys.admin.cannotClose' : 'surveys.admin.cannotPublish'] });
  const changed = await markSurvey(ctx.database, surveyId, step, actor, ctx.now());
  return changed ? { ok: true } : conflict({ _: ['surveys.admin.changed'] });
}

export interface Slip {
  code: string;
  unitName: string;
  label: string;
}

/** The survey's unused codes (one batch or all), unsealed for printing; used codes are never printed. */
export async function unusedSlips(ctx: ChannelContext, surveyId: string, batchId?: string): Promise<Slip[]> {
  const rows = await unusedCodes(ctx.database, surveyId, batchId);
  return rows.flatMap((r) => {
    const code = unseal(ctx.keys.seal, r.sealed, `invitation:${r.id}`);
    return code ? [{ code: formatCode(code), unitName: r.unitName, label: r.label }] : [];
  });
}

/** Every survey, for the console list (demo ones included). */
export const listSurveyRows = (ctx: ChannelContext): Promise<SurveyRow[]> => listSurveys(ctx.database);
