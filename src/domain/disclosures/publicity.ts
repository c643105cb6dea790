import { countWorkingDays, type WorkingDayCalendar } from '../calendar/working-days.ts';
import { problem, type Problem, type PublicityWindow } from './common.ts';

export type PublicityStatus = 'upcoming' | 'active' | 'ended';

/** Where a publicity window stands on `today` (a `YYYY-MM-DD` date supplied by the caller). */
export function publicityStatus(window: PublicityWindow, today: string): PublicityStatus {
  if (today < window.start) return 'upcoming';
  if (today > window.end) return 'ended';
  return 'active';
}

/**
 * A publicity window must end on or after its start and contain at least `minWorkingDays` working
 * days. `path` is where the window sits in the file, for the problem report.
 */
export function checkPublicityWindow(
  window: PublicityWindow,
  calendar: WorkingDayCalendar,
  minWorkingDays: number,
  path: readonly (string | number)[],
): Problem[] {
  if (window.end < window.start) return [problem([...path, 'end'], 'disclosures.publicity.endBeforeStart')];
  // In a year without a calendar file the count is Monday–Friday (provisional): holidays there can only make
  // the window shorter, so a window too short even then is reported now; the page shows the provisional notice.
  const days = countWorkingDays(calendar, window.start, window.end);
  if (days.value < minWorkingDays) {
    return [problem([...path, 'end'], 'disclosures.publicity.tooShort', { days: days.value, min: minWorkingDays })];
  }
  return [];
}
