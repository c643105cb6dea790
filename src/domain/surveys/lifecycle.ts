import { z } from 'zod';
import { unitCarriers, type UnitCarrier } from '../units/schema.ts';
import type { Standard } from '../scoring/standard.ts';
import { questionSets, type QuestionId } from './questions.ts';

/**
 * The commission's survey lifecycle (issue 17): create (carrier, units, period, the year's standard) →
 * issue invitation batches → close → publish results. Results are public only once published; a closed
 * survey takes no responses and no new batches. Pure: the clock and the standards come in as arguments.
 */
const IsoDate = z.iso.date('surveys.date.invalid');

export const NewSurveyInput = z
  .strictObject({
    carrier: z.enum(unitCarriers, 'surveys.carrier.invalid'),
    /** Empty: every unit of the carrier. */
    unitIds: z.array(z.string().min(1).max(64)).max(500).default([]),
    year: z.coerce
      .number('surveys.year.invalid')
      .int('surveys.year.invalid')
      .min(2000, 'surveys.year.invalid')
      .max(2100, 'surveys.year.invalid'),
    periodLabel: z
      .string('surveys.periodLabel.required')
      .trim()
      .min(2, 'surveys.periodLabel.required')
      .max(40, 'surveys.periodLabel.tooLong'),
    opensOn: IsoDate,
    closesOn: IsoDate,
  })
  .refine((s) => s.opensOn <= s.closesOn, { error: 'surveys.period.invalid', path: ['closesOn'] });
export type NewSurveyInput = z.infer<typeof NewSurveyInput>;

/** What the lifecycle needs to know of a year's standard (content/standards/<year>.yaml). */
export interface StandardSummary {
  year: number;
  carriers: readonly string[];
  /** True when an indicator of the standard is measured by the satisfaction survey (C6). */
  hasSatisfaction: boolean;
}

/** A standard as the lifecycle needs it (a draft under consultation counts: surveys start before adoption). */
export function standardSummary(s: Standard): StandardSummary {
  const indicators = [...s.common, ...Object.values(s.individual).flat()];
  return {
    year: s.year,
    carriers: s.carriers,
    hasSatisfaction: indicators.some((i) => 'source' in i.measure && i.measure.source === 'satisfaction'),
  };
}

/**
 * The questions of a survey: the carrier's set (src/domain/surveys/questions.ts, the wording of DOMAIN.md §5.4),
 * asked only when the year's standard assesses the carrier through the satisfaction survey. The standards
 * carry the indicator (C6) and its pass line, not question texts; the error names the field to change.
 */
export function surveyQuestions(
  standards: readonly StandardSummary[],
  year: number,
  carrier: UnitCarrier,
): { ok: true; questionIds: QuestionId[] } | { ok: false; field: 'year' | 'carrier'; key: string } {
  const standard = standards.find((s) => s.year === year);
  if (!standard?.hasSatisfaction) return { ok: false, field: 'year', key: 'surveys.year.noStandard' };
  if (!standard.carriers.includes(carrier))
    return { ok: false, field: 'carrier', key: 'surveys.carrier.notInStandard' };
  return { ok: true, questionIds: [...questionSets[carrier]] };
}

export type SurveyStage = 'draft' | 'open' | 'ended' | 'closed' | 'published';

/** Where a survey stands on `today` (a Beijing date). */
export function surveyStage(
  s: { opensOn: string; closesOn: string; closedAt: Date | null; publishedAt: Date | null },
  today: string,
): SurveyStage {
  if (s.publishedAt) return 'published';
  if (s.closedAt) return 'closed';
  if (today < s.opensOn) return 'draft';
  if (today > s.closesOn) return 'ended';
  return 'open';
}

/** Batches can be issued until the survey is closed (also before it opens: slips are printed ahead). */
export const canIssue = (stage: SurveyStage): boolean => stage === 'draft' || stage === 'open' || stage === 'ended';
/** Closing is for a survey not closed yet. */
export const canClose = (stage: SurveyStage): boolean => stage !== 'closed' && stage !== 'published';
/** Results are published after the survey is closed (or its last day has passed). */
export const canPublish = (stage: SurveyStage): boolean => stage === 'closed' || stage === 'ended';

export const BatchInput = z.strictObject({
  unitId: z.string('surveys.batch.unit.required').min(1, 'surveys.batch.unit.required').max(64),
  size: z.coerce
    .number('surveys.batch.size.invalid')
    .int('surveys.batch.size.invalid')
    .min(1, 'surveys.batch.size.invalid')
    .max(500, 'surveys.batch.size.invalid'),
  label: z
    .string('surveys.batch.label.required')
    .trim()
    .min(1, 'surveys.batch.label.required')
    .max(40, 'surveys.batch.label.tooLong'),
});
export type BatchInput = z.infer<typeof BatchInput>;
