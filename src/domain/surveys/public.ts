import { z } from 'zod';
import { unitCarriers } from '../units/schema.ts';
import { questionIds } from './questions.ts';
import { MIN_SAMPLE, type Satisfaction } from './results.ts';

const IntervalOut = z.strictObject({ low: z.number(), high: z.number() }).nullable();

/** A satisfaction result as published: rates with their 95 % Wilson intervals and the sample size. */
export const SatisfactionOut = z.strictObject({
  n: z.number().int(),
  positive: z.number().int(),
  rate: z.number().nullable(),
  interval: IntervalOut,
  nExcludingUnsure: z.number().int(),
  rateExcludingUnsure: z.number().nullable(),
  intervalExcludingUnsure: IntervalOut,
  insufficient: z.boolean(),
});

export const SurveyView = z.strictObject({
  id: z.string(),
  carrier: z.enum(unitCarriers),
  periodLabel: z.string(),
  opensOn: z.iso.date(),
  closesOn: z.iso.date(),
  open: z.boolean(),
  questions: z.array(z.enum(questionIds)),
});
export type SurveyView = z.infer<typeof SurveyView>;

export const UnitResult = z.strictObject({
  unitId: z.string(),
  unitName: z.string(),
  /** Null below the minimum sample: such a unit is never ranked. */
  rank: z.number().int().nullable(),
  headline: SatisfactionOut,
  questions: z.array(z.strictObject({ questionId: z.enum(questionIds), result: SatisfactionOut })),
});
export type UnitResult = z.infer<typeof UnitResult>;

export const SurveyResults = z.strictObject({
  survey: SurveyView,
  minSample: z.literal(MIN_SAMPLE),
  /** Self-selected online responses, not the commissioned telephone survey (DOMAIN.md §5.3). */
  method: z.literal('portal'),
  carrierTotal: SatisfactionOut,
  units: z.array(UnitResult),
});
export type SurveyResults = z.infer<typeof SurveyResults>;

/** Responses are counted, never listed: a result carries no respondent data by construction. */
export const toSatisfactionOut = (s: Satisfaction): z.infer<typeof SatisfactionOut> => ({ ...s });
