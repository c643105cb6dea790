import type { WorkingDayCalendar } from '../../calendar/working-days.ts';
import { problem, sum, type Problem } from '../common.ts';
import { PUBLICITY_MIN_WORKING_DAYS } from '../constants.ts';
import { checkPublicityWindow, publicityStatus, type PublicityStatus } from '../publicity.ts';
import type { StudentAid } from './schema.ts';

/** Publicity of an aid list: at least 5 working days (DOMAIN.md §3.5). */
export function checkAidPublicity(a: StudentAid, calendar: WorkingDayCalendar): Problem[] {
  return checkPublicityWindow(a.publicity, calendar, PUBLICITY_MIN_WORKING_DAYS, ['publicity']);
}

/** A programme called `other` needs its name. */
export function checkProgrammeLabel(a: StudentAid): Problem[] {
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
 * Before the window, nothing is shown; after it, the list is taken down and only counts remain.
 */
export function publicAidList(
  a: StudentAid,
  today: string,
): {
  status: PublicityStatus;
  recipients: StudentAid['recipients'];
  count: number;
  totalFen: number;
} {
  const status = publicityStatus(a.publicity, today);
  return {
    status,
    recipients: status === 'active' ? a.recipients : [],
    count: a.recipients.length,
    totalFen: sum(a.recipients.map((r) => r.amountFen)),
  };
}
