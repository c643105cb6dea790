import { z } from 'zod';
import { Fen, IsoDate, Line, Paragraph, disclosureBase } from '../common.ts';
import { MaskedName } from '../../privacy/names.ts';

/** Aid programmes a school publicises lists for. */
export const aidProgrammes = ['boardingAllowance', 'nationalGrant', 'tuitionWaiver', 'other'] as const;
/** Hardship tiers of the family-hardship certification (where the policy publishes them). */
export const aidTiers = ['especiallyDifficult', 'difficult', 'generallyDifficult'] as const;
export const semesters = ['spring', 'autumn'] as const;

/**
 * One recipient row. Only the fields the policy allows (Jiaocaiting Han [2017] No. 28: "simple and sufficient"):
 * grade, class, masked name, amount and tier. The object is strict, so any other field fails.
 */
export const AidRecipient = z.strictObject({
  grade: Line(12),
  class: Line(12),
  /** Masked name: surname plus asterisks. */
  name: MaskedName,
  amountFen: Fen,
  tier: z.enum(aidTiers).optional(),
  /**
   * The row's own aid item when one list covers several (e.g. a national grant and a boarding allowance on one notice); a
   * list without its own `programme` needs it on every row.
   */
  item: Line(40).optional(),
});

/**
 * The publicity window of an aid list. `end` (inclusive) may be left out: it is then the fifth working day counted
 * from `start` (DOMAIN.md §3.5: ≥ 5 working days; State Council holiday table), see `aidWindow`.
 */
export const AidPublicity = z.strictObject({
  start: IsoDate,
  end: IsoDate.optional(),
});

/** A student-aid list posted for public scrutiny, then taken down when its window ends. */
export const StudentAid = z.strictObject({
  ...disclosureBase,
  title: Line(80),
  /** The list's programme; may be left out when every row names its own `item`. */
  programme: z.enum(aidProgrammes).optional(),
  /** Name of the programme when `other`. */
  programmeLabel: Line(40).optional(),
  schoolYear: z.number().int().min(2000).max(2100),
  semester: z.enum(semesters),
  /** Publicity period: at least 5 working days; the list is taken down after it ends. */
  publicity: AidPublicity,
  /** How to raise an objection (an office, never a personal phone number). */
  objectionChannel: Paragraph(200),
  recipients: z.array(AidRecipient).min(1, 'disclosures.aid.noRecipients').max(2000),
});
export type StudentAid = z.infer<typeof StudentAid>;

/**
 * A stored aid list after its publicity window ended: the disclosure store blanked every recipient's name in
 * every version (the store's one allowed update), so a name is the empty string and nothing else.
 */
export const ScrubbedStudentAid = StudentAid.extend({
  recipients: z
    .array(AidRecipient.extend({ name: z.literal('') }))
    .min(1, 'disclosures.aid.noRecipients')
    .max(2000),
});
