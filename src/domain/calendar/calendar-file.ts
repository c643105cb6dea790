import { z } from 'zod';
import { addDays, IsoDate, weekday, yearOf } from './dates.ts';

/**
 * One year of the State Council's holiday arrangements, as a clerk copies it into `content/calendar/<year>.yaml`
 * from the General Office's notice (published each November for the following year). Holiday periods include the
 * weekend days inside them; `workdays` are the Saturdays and Sundays moved into work (make-up working days).
 */
export interface HolidayYear {
  readonly year: number;
  /** Inclusive `[first, last]` day ranges off work. */
  readonly holidays: readonly (readonly [string, string])[];
  /** Saturdays and Sundays that are working days. */
  readonly workingWeekendDays: readonly string[];
}

/** The stored shape of a year (the Astro collection's entry). */
export const HolidayYearSchema = z.strictObject({
  year: z.number().int(),
  holidays: z.array(z.tuple([IsoDate, IsoDate]).readonly()).readonly(),
  workingWeekendDays: z.array(IsoDate).readonly(),
});

const Name = z.string().trim().min(1).max(40);

export const CalendarFile = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    /** The notice the year is copied from: title, document number (null when the published text carries none), date. */
    notice: z.strictObject({
      title: z.string().trim().min(1).max(120),
      number: z.string().trim().min(1).max(60).nullable(),
      date: IsoDate,
    }),
    holidays: z.array(z.strictObject({ name: Name, first: IsoDate, last: IsoDate })).min(1),
    workdays: z.array(z.strictObject({ date: IsoDate, name: Name })),
  })
  .superRefine((f, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    // The notice comes out before the year it arranges (in the preceding year).
    if (yearOf(f.notice.date) !== f.year - 1) issue(['notice', 'date'], 'disclosures.calendar.noticeYear');
    const off = new Set<string>();
    f.holidays.forEach((h, i) => {
      if (yearOf(h.first) !== f.year) issue(['holidays', i, 'first'], 'disclosures.calendar.outsideYear');
      if (yearOf(h.last) !== f.year) issue(['holidays', i, 'last'], 'disclosures.calendar.outsideYear');
      if (h.last < h.first) {
        issue(['holidays', i, 'last'], 'disclosures.calendar.lastBeforeFirst');
        return;
      }
      for (let d = h.first; d <= h.last; d = addDays(d, 1)) off.add(d);
    });
    const seen = new Set<string>();
    f.workdays.forEach((w, i) => {
      const path = ['workdays', i, 'date'];
      if (yearOf(w.date) !== f.year) issue(path, 'disclosures.calendar.outsideYear');
      if (seen.has(w.date)) issue(path, 'disclosures.calendar.duplicate');
      seen.add(w.date);
      if (off.has(w.date)) issue(path, 'disclosures.calendar.bothOffAndWork');
      const day = weekday(w.date);
      if (day !== 0 && day !== 6) issue(path, 'disclosures.calendar.workdayNotWeekend');
    });
  });
export type CalendarFile = z.infer<typeof CalendarFile>;

export const toHolidayYear = (f: CalendarFile): HolidayYear => ({
  year: f.year,
  holidays: f.holidays.map((h) => [h.first, h.last] as const),
  workingWeekendDays: f.workdays.map((w) => w.date),
});
