import { z } from 'zod';
import { IsoDate } from '../../calendar/dates.ts';
import { windowEnd, type WorkingDayCalendar } from '../../calendar/working-days.ts';
import { problem, sum, type Problem, type PublicityWindow } from '../common.ts';
import { PUBLICITY_MIN_WORKING_DAYS } from '../constants.ts';
import { checkPublicityWindow, publicityStatus, type PublicityStatus } from '../publicity.ts';
import type { StudentAid } from './schema.ts';

/**
 * The window an aid list is posted for: as written, or — when `end` is left out — ending on the fifth working day
 * counted from `start` (DOMAIN.md §3.5, Jiaocaiting Han [2017] No. 28: ≥ 5 working days). `computed` says which. A
 * computed end in a year without a calendar file counts Monday–Friday and is `provisional`.
 */
export function aidWindow(
  a: Pick<StudentAid, 'publicity'>,
  calendar: WorkingDayCalendar,
): PublicityWindow & { computed: boolean; provisional: boolean } {
  if (a.publicity.end !== undefined)
    return { start: a.publicity.start, end: a.publicity.end, computed: false, provisional: false };
  const end = windowEnd(calendar, a.publicity.start, PUBLICITY_MIN_WORKING_DAYS);
  return { start: a.publicity.start, end: end.value, computed: true, provisional: end.provisional };
}

const StoredPublicity = z.object({ publicity: z.object({ start: IsoDate, end: IsoDate.optional() }) });

/**
 * Whether a stored aid list's names must go (its publicity window ended before `today`): the rule the nightly
 * scrub applies to every stored version series. A record without a readable window is left alone.
 */
export function aidNamesExpired(data: unknown, today: string, calendar: WorkingDayCalendar): boolean {
  const parsed = StoredPublicity.safeParse(data);
  if (!parsed.success) return false;
  const { start, end } = parsed.data.publicity;
  return (
    publicityStatus(aidWindow({ publicity: end === undefined ? { start } : { start, end } }, calendar), today) ===
    'ended'
  );
}

/** Publicity of an aid list: at least 5 working days (DOMAIN.md §3.5); a computed end is 5 by construction. */
export function checkAidPublicity(a: StudentAid, calendar: WorkingDayCalendar): Problem[] {
  if (a.publicity.end === undefined) return [];
  return checkPublicityWindow(aidWindow(a, calendar), calendar, PUBLICITY_MIN_WORKING_DAYS, ['publicity']);
}

/** A programme called `other` needs its name; a list without a programme needs an item on every row. */
export function checkProgrammeLabel(a: StudentAid): Problem[] {
  if (a.programme === undefined)
    return a.recipients.flatMap((r, i) =>
      r.item === undefined ? [problem(['recipients', i, 'item'], 'disclosures.aid.itemMissing')] : [],
    );
  return a.programme === 'other' && !a.programmeLabel
    ? [problem(['programmeLabel'], 'disclosures.aid.programmeLabelMissing')]
    : [];
}

export function validateStudentAid(a: StudentAid, calendar: WorkingDayCalendar): Problem[] {
  return [...checkAidPublicity(a, calendar), ...checkProgrammeLabel(a)];
}

/** Where birth-date-shaped strings are expected in an aid file: its own date fields. */
export const aidDateFields = (path: readonly (string | number)[]): boolean =>
  (path[0] === 'publicity' && path.length === 2) || (path[0] === 'publishedOn' && path.length === 1);

/**
 * What the public may see of an aid list on `today`: the names only while the list is posted.
 * Before the window, nothing is shown; after it, the list is taken down and only counts remain; a list whose
 * names were blanked in the store counts as taken down.
 */
export function publicAidList(
  a: StudentAid,
  today: string,
  calendar: WorkingDayCalendar,
): {
  status: PublicityStatus;
  recipients: StudentAid['recipients'];
  count: number;
  totalFen: number;
} {
  // A list whose names the disclosure store blanked (ScrubbedStudentAid) is taken down, whatever the calendar says.
  const scrubbed = a.recipients.some((r) => r.name === '');
  const status = scrubbed ? 'ended' : publicityStatus(aidWindow(a, calendar), today);
  return {
    status,
    recipients: status === 'active' ? a.recipients : [],
    count: a.recipients.length,
    totalFen: sum(a.recipients.map((r) => r.amountFen)),
  };
}
