import { z } from 'zod';
import { unitCarriers } from '../units/schema.ts';
import { satisfactionAnswers, UnitId } from '../feedback/schema.ts';
import { questionIds, HEADLINE_QUESTION, type QuestionId } from './questions.ts';

/** The five answers of GLOSSARY.md (survey), in scale order. */
export const surveyAnswers = satisfactionAnswers;
export type SurveyAnswer = (typeof surveyAnswers)[number];

/**
 * The screening question on the respondent's relation to the unit (DOMAIN.md §5.3). Staff of the unit rated are excluded from the
 * results; their response is stored (so the code is used up) but never counted.
 */
export const respondentRelations = ['parent', 'villager', 'serviceUser', 'other', 'staff'] as const;
export type RespondentRelation = (typeof respondentRelations)[number];
export const excludedRelations: readonly RespondentRelation[] = ['staff'];

const IsoDate = z.iso.date('surveys.date.invalid');

/** A survey: one carrier, one period, a fixed list of questions. */
export const SurveyDefinition = z
  .strictObject({
    /** Permanent id, e.g. `school-2026h1`. */
    id: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'surveys.id.invalid')
      .max(64, 'surveys.id.invalid'),
    carrier: z.enum(unitCarriers, 'surveys.carrier.invalid'),
    /** How the period is printed, e.g. the first half of 2026. */
    periodLabel: z.string().trim().min(2).max(40),
    /** First and last day (Beijing dates) responses are accepted. */
    opensOn: IsoDate,
    closesOn: IsoDate,
    /** The questions asked, headline first. */
    questionIds: z.array(z.enum(questionIds)).min(1).max(questionIds.length),
  })
  .refine((s) => s.opensOn <= s.closesOn, { error: 'surveys.period.invalid', path: ['closesOn'] })
  .refine((s) => s.questionIds[0] === HEADLINE_QUESTION, {
    error: 'surveys.questions.headlineFirst',
    path: ['questionIds'],
  })
  .refine((s) => new Set(s.questionIds).size === s.questionIds.length, {
    error: 'surveys.questions.duplicate',
    path: ['questionIds'],
  });
export type SurveyDefinition = z.infer<typeof SurveyDefinition>;

/** True while a survey accepts responses on `today` (a Beijing date) and was not closed early. */
export const isSurveyOpen = (
  s: Pick<SurveyDefinition, 'opensOn' | 'closesOn'> & { closedAt?: Date | null },
  today: string,
): boolean => !s.closedAt && s.opensOn <= today && today <= s.closesOn;

export const OTP_LENGTH = 6;
export const INVITATION_CODE_INPUT_MAX = 32;

/** A response. Eligibility is either a single-use invitation code or a verified phone (OTP). */
export const SurveyResponseInput = z
  .strictObject({
    invitationCode: z
      .string('surveys.invitationCode.invalid')
      .min(1, 'surveys.invitationCode.required')
      .max(INVITATION_CODE_INPUT_MAX, 'surveys.invitationCode.invalid')
      .optional(),
    otp: z
      .strictObject(
        {
          challengeId: z.uuid('surveys.otp.invalid'),
          code: z.string('surveys.otp.invalid').regex(new RegExp(`^\\d{${OTP_LENGTH}}$`), 'surveys.otp.invalid'),
        },
        'surveys.otp.invalid',
      )
      .optional(),
    /** The unit rated; required with OTP (an invitation code already names its unit). */
    unitId: UnitId.optional(),
    relation: z.enum(respondentRelations, 'surveys.relation.required'),
    answers: z
      .record(
        z.string().regex(/^[a-zA-Z]{1,32}$/, 'surveys.answer.unknown'),
        z.enum(surveyAnswers, 'surveys.answer.required'),
        'surveys.answers.invalid',
      )
      .refine((a) => Object.keys(a).length <= questionIds.length, 'surveys.answers.invalid'),
    /** Honeypot, as on the feedback form. */
    website: z.string('surveys.honeypot.filled').max(0, 'surveys.honeypot.filled').optional(),
  })
  .superRefine((v, ctx) => {
    if (v.invitationCode === undefined && v.otp === undefined)
      ctx.addIssue({ code: 'custom', message: 'surveys.invitationCode.required', path: ['invitationCode'] });
    if (v.invitationCode !== undefined && v.otp !== undefined)
      ctx.addIssue({ code: 'custom', message: 'surveys.eligibility.both', path: ['otp'] });
    if (v.otp !== undefined && v.unitId === undefined)
      ctx.addIssue({ code: 'custom', message: 'feedback.unitId.required', path: ['unitId'] });
  });
export type SurveyResponseInput = z.infer<typeof SurveyResponseInput>;

/** Ask for a one-time code by SMS. */
export const OtpStartInput = z.strictObject({
  phone: z
    .string('surveys.phone.invalid')
    .max(20, 'surveys.phone.invalid')
    .regex(/^(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}$/, 'surveys.phone.invalid'),
});
export type OtpStartInput = z.infer<typeof OtpStartInput>;

/** Every question of the survey answered, and nothing else: field errors keyed `answers.<id>`. */
export function checkAnswers(
  questions: readonly QuestionId[],
  answers: Record<string, string>,
): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const q of questions) if (!(q in answers)) errors[`answers.${q}`] = ['surveys.answer.required'];
  for (const k of Object.keys(answers))
    if (!questions.includes(k as QuestionId)) errors[`answers.${k}`] = ['surveys.answer.unknown'];
  return errors;
}
