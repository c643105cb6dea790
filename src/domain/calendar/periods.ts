import { addDays, yearOf } from './dates.ts';
import { isWorkingDay, type WorkingDayCalendar } from './working-days.ts';

/**
 * Legal periods counted in days (Civil Code arts. 200–204, DOMAIN.md §6). A period is a **date**, not an instant:
 *  - it starts on the day after the day of the triggering event (art. 201: the event day is not counted);
 *  - it ends at 24:00 Beijing time of its last day (art. 203), so anything done on the last day is in time
 *    and lateness starts at 00:00 of the following day;
 *  - when the last day is a statutory day off (a public holiday or an ordinary weekend that is not a
 *    moved working day), the period ends on the first working day after it (art. 203).
 *
 * For a year the holiday table does not list, only Saturdays and Sundays are known to be off: the date is
 * then computed from weekends alone and reported as `provisional` (no content/calendar file for that year),
 * never silently as final.
 */
export interface DueDate {
  /** The last day of the period, `YYYY-MM-DD`, Beijing. */
  readonly date: string;
  /** The holiday table does not cover the year of `date`: computed from weekends only. */
  readonly provisional: boolean;
}

/** A working day by the calendar, or Monday–Friday in a year the calendar does not cover. */
const workingOrWeekday = (calendar: WorkingDayCalendar, date: string): boolean => isWorkingDay(calendar, date).value;

const due = (calendar: WorkingDayCalendar, date: string): DueDate => ({
  date,
  provisional: !calendar.years.has(yearOf(date)),
});

/** The first working day on or after `date`. */
function rollToWorkingDay(calendar: WorkingDayCalendar, date: string): string {
  let d = date;
  // The longest run of days off in a year is the Spring Festival (9 days); 40 keeps the loop bounded.
  for (let i = 0; i < 40 && !workingOrWeekday(calendar, d); i++) d = addDays(d, 1);
  return d;
}

/**
 * The last day of a period of `days` calendar days triggered on `eventDate` (Civil Code art. 201, art. 203):
 * `eventDate + days`, rolled forward to the first working day when that day is off.
 */
export function periodEnd(calendar: WorkingDayCalendar, eventDate: string, days: number): DueDate {
  return due(calendar, rollToWorkingDay(calendar, addDays(eventDate, days)));
}

/**
 * The last day of a period of `n` working days triggered on `eventDate` (e.g. the commission's 15 working
 * days, DOMAIN.md §6.2): counting starts the day after the event and skips every day off.
 */
export function workingPeriodEnd(calendar: WorkingDayCalendar, eventDate: string, n: number): DueDate {
  let d = eventDate;
  for (let seen = 0; seen < n;) {
    d = addDays(d, 1);
    if (workingOrWeekday(calendar, d)) seen += 1;
  }
  return due(calendar, d);
}

/**
 * The last instant of a Beijing calendar day (23:59:59.999 +08:00), for storing a due date in a
 * timestamp column: `answeredAt <= endOfBeijingDay(due)` is the same test as `beijingDate(answeredAt) <= due`.
 */
export function endOfBeijingDay(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1) - 8 * 3_600_000 - 1);
}
