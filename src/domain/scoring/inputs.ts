import { z } from 'zod';
import { IsoDate } from '../calendar/dates.ts';
import { ItemKey } from './standard.ts';

/** The evaluators' note and a veto source are public: plain text, no personal data. */
export const NOTE_MAX = 500;
export const SOURCE_MAX = 120;
export const DEDUCTION_COUNT_MAX = 50;

/** One mark as the evaluator form and the seed submit it (checked against the year's standard by the service). */
export const MarkInput = z.strictObject({
  itemKey: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,47}$/, 'scoring.mark.itemKey.invalid'),
  /** A finding (boolean), a count, or one count per item of a count measure with several items. */
  value: z
    .union([
      z.boolean(),
      z.number().int().min(0).max(10_000),
      z.record(ItemKey, z.number().int().min(0).max(10_000)).refine((r) => Object.keys(r).length <= 10),
    ])
    .nullable()
    .default(null),
  points: z.number().min(0).max(100).nullable().default(null),
  deductions: z
    .array(
      z.strictObject({
        key: ItemKey,
        count: z.number().int().min(1).max(DEDUCTION_COUNT_MAX),
        note: z.string().trim().max(NOTE_MAX).optional(),
      }),
    )
    .max(20)
    .default([]),
  note: z.string().trim().max(NOTE_MAX, 'scoring.mark.note.tooLong').nullable().default(null),
});
export type MarkInput = z.infer<typeof MarkInput>;

/** A negative-list event as recorded: date, type, source. */
export const VetoEventInput = z.strictObject({
  vetoKey: ItemKey,
  occurredOn: IsoDate,
  source: z.string().trim().min(2, 'scoring.veto.source.required').max(SOURCE_MAX, 'scoring.veto.source.tooLong'),
  note: z.string().trim().max(NOTE_MAX, 'scoring.mark.note.tooLong').nullable().default(null),
});
export type VetoEventInput = z.infer<typeof VetoEventInput>;

/** A comment on one indicator of a draft standard. */
export const COMMENT_MIN = 5;
export const COMMENT_MAX = 1000;
export const CommentInput = z.strictObject({
  indicatorKey: z.string().regex(/^(?:[A-Z][A-Z0-9]{0,7}|general)$/, 'scoring.comment.indicator.invalid'),
  body: z
    .string('scoring.comment.body.required')
    .trim()
    .min(1, 'scoring.comment.body.required')
    .min(COMMENT_MIN, 'scoring.comment.body.tooShort')
    .max(COMMENT_MAX, 'scoring.comment.body.tooLong'),
});
export type CommentInput = z.infer<typeof CommentInput>;
