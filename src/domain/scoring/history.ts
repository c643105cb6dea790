import type { Grade } from './scorecard.ts';

/** Why a grade was recorded: the evaluators graded the year, or a later veto event changed it (dynamic downgrade, DOMAIN.md §4.3). */
export const gradeRecordReasons = ['graded', 'veto'] as const;
export type GradeRecordReason = (typeof gradeRecordReasons)[number];

export interface GradeRecord {
  grade: Grade;
  total: number;
  reason: GradeRecordReason;
  recordedAt: Date;
}

/**
 * After a veto event, which recorded years change: a year with a recorded grade whose current scorecard
 * (computed with the event) now differs from its latest record. Years never graded are left alone — the
 * live scorecard shows the veto anyway.
 */
export function downgradesAfterVeto(
  latest: ReadonlyMap<number, GradeRecord>,
  current: readonly { year: number; grade: Grade; total: number }[],
): { year: number; grade: Grade; total: number }[] {
  return current.filter((c) => {
    const last = latest.get(c.year);
    return last !== undefined && last.grade !== c.grade;
  });
}
