import { addDays, dayNumber, weekday, yearOf } from './dates.ts';
import type { HolidayYear } from './calendar-file.ts';

/**
 * Working days for legal and policy periods ("publicised for at least 5 working days"): Monday to
 * Friday, minus public holidays, plus the weekend days the State Council moves into work. The years come
 * from content/calendar (read by src/content/calendar.ts and handed in as data).
 */
export interface WorkingDayCalendar {
  readonly years: ReadonlySet<number>;
  readonly daysOff: ReadonlySet<string>;
  readonly workingWeekendDays: ReadonlySet<string>;
}

/**
 * An answer, and whether it is provisional: a day it depends on lies in a year without a calendar file, where
 * only Monday–Friday is known (shown with the provisional notice, never silently as final).
 */
export interface CalendarResult<T> {
  readonly value: T;
  readonly provisional: boolean;
}

export function createCalendar(years: readonly HolidayYear[]): WorkingDayCalendar {
  const daysOff = new Set<string>();
  for (const y of years) {
    for (const [first, last] of y.holidays) {
      for (let d = first; d <= last; d = addDays(d, 1)) daysOff.add(d);
    }
  }
  return {
    years: new Set(years.map((y) => y.year)),
    daysOff,
    workingWeekendDays: new Set(years.flatMap((y) => y.workingWeekendDays)),
  };
}

export function isWorkingDay(calendar: WorkingDayCalendar, date: string): CalendarResult<boolean> {
  const provisional = !calendar.years.has(yearOf(date));
  if (calendar.workingWeekendDays.has(date)) return { value: true, provisional };
  const day = weekday(date);
  return { value: day !== 0 && day !== 6 && !calendar.daysOff.has(date), provisional };
}

/** Working days in the inclusive range `[start, end]` (0 when end is before start). */
export function countWorkingDays(calendar: WorkingDayCalendar, start: string, end: string): CalendarResult<number> {
  let count = 0;
  let provisional = false;
  for (let d = start; d <= end; d = addDays(d, 1)) {
    const r = isWorkingDay(calendar, d);
    provisional ||= r.provisional;
    if (r.value) count += 1;
  }
  return { value: count, provisional };
}

/**
 * The earliest end date of a window that starts on `start` and contains `n` working days
 * (n ≥ 1). A window starting on a holiday begins counting at the next working day.
 */
export function windowEnd(calendar: WorkingDayCalendar, start: string, n: number): CalendarResult<string> {
  let seen = 0;
  let provisional = false;
  let d = start;
  // A year has at least 240 working days, so a bounded loop is enough for any sane n.
  for (; dayNumber(d) - dayNumber(start) <= n * 3 + 30; d = addDays(d, 1)) {
    const r = isWorkingDay(calendar, d);
    provisional ||= r.provisional;
    if (r.value) seen += 1;
    if (seen >= n) break;
  }
  return { value: d, provisional };
}

/**
 * From 1 November (when the State Council General Office publishes next year's notice), the next year if the
 * calendar has no file for it yet; otherwise null. `today` is a Beijing `YYYY-MM-DD` date.
 */
export function nextYearMissing(calendar: WorkingDayCalendar, today: string): number | null {
  const next = yearOf(today) + 1;
  return today.slice(5) >= '11-01' && !calendar.years.has(next) ? next : null;
}
