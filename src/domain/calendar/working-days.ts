import { addDays, dayNumber, weekday, yearOf } from './dates.ts';
import { chinaHolidays, type HolidayYear } from './china-holidays.ts';

/**
 * Working days for legal and policy periods ("publicised for at least 5 working days"): Monday to
 * Friday, minus public holidays, plus the weekend days the State Council moves into work.
 */
export interface WorkingDayCalendar {
  readonly years: ReadonlySet<number>;
  readonly daysOff: ReadonlySet<string>;
  readonly workingWeekendDays: ReadonlySet<string>;
}

/** Either the answer, or the first year the calendar does not cover. */
export type CalendarResult<T> = { ok: true; value: T } | { ok: false; reason: 'yearMissing'; year: number };

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

/** The calendar of mainland China built from the published notices. */
export const chinaCalendar: WorkingDayCalendar = createCalendar(chinaHolidays);

const missing = (year: number) => ({ ok: false, reason: 'yearMissing', year }) as const;

export function isWorkingDay(calendar: WorkingDayCalendar, date: string): CalendarResult<boolean> {
  if (!calendar.years.has(yearOf(date))) return missing(yearOf(date));
  if (calendar.workingWeekendDays.has(date)) return { ok: true, value: true };
  const day = weekday(date);
  return { ok: true, value: day !== 0 && day !== 6 && !calendar.daysOff.has(date) };
}

/** Working days in the inclusive range `[start, end]` (0 when end is before start). */
export function countWorkingDays(calendar: WorkingDayCalendar, start: string, end: string): CalendarResult<number> {
  let count = 0;
  for (let d = start; d <= end; d = addDays(d, 1)) {
    const r = isWorkingDay(calendar, d);
    if (!r.ok) return r;
    if (r.value) count += 1;
  }
  return { ok: true, value: count };
}

/**
 * The earliest end date of a window that starts on `start` and contains `n` working days
 * (n ≥ 1). A window starting on a holiday begins counting at the next working day.
 */
export function windowEnd(calendar: WorkingDayCalendar, start: string, n: number): CalendarResult<string> {
  let seen = 0;
  // A year has at least 240 working days, so a bounded loop is enough for any sane n.
  for (let d = start; dayNumber(d) - dayNumber(start) <= n * 3 + 30; d = addDays(d, 1)) {
    const r = isWorkingDay(calendar, d);
    if (!r.ok) return r;
    if (r.value) seen += 1;
    if (seen >= n) return { ok: true, value: d };
  }
  return missing(yearOf(start));
}
