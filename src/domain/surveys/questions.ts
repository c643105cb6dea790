import type { UnitCarrier } from '../units/schema.ts';

/**
 * Survey questions as data. Wording adapted from the Jiangxi/Shandong templates (DOMAIN.md §5.4); the text lives
 * in src/i18n/zh-CN/surveys.ts under `surveys.question.<id>` and may name the unit (`{unit}`). Every question
 * takes the same five answers (`surveyAnswers`). The yes/no village question of §5.4 (were major matters decided by
 * the villagers' meeting?) does not fit the satisfaction scale and is left to the evaluators' checks.
 */
export const questionIds = [
  'overall',
  'openness',
  'fourWinds',
  'grassroots',
  'canteen',
  'schoolFees',
  'villageAffairs',
] as const;
export type QuestionId = (typeof questionIds)[number];

/** The headline question: the satisfaction rate of a unit is the rate of this one. */
export const HEADLINE_QUESTION: QuestionId = 'overall';

/** Which questions each carrier's survey asks, in order; the headline question comes first. */
export const questionSets: Readonly<Record<UnitCarrier, readonly QuestionId[]>> = {
  agency: ['overall', 'openness', 'fourWinds', 'grassroots'],
  school: ['overall', 'canteen', 'schoolFees', 'openness'],
  village: ['overall', 'villageAffairs', 'openness', 'grassroots'],
  enterprise: ['overall', 'openness', 'fourWinds'],
  hospital: ['overall', 'openness', 'fourWinds', 'grassroots'],
};
