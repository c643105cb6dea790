/**
 * Public holidays and adjusted working days (shifted weekends) of mainland China, as published each November
 * by the State Council General Office for the following year. Rules only trust years listed here:
 * a date in another year is reported as "calendar missing" instead of being guessed.
 *
 * To add a year: copy the notice's ranges (holiday periods include the weekend days inside them)
 * and its working weekend days; tests/unit/working-days.test.ts checks the shape of every year.
 */
export interface HolidayYear {
  readonly year: number;
  /** The notice this year is copied from. */
  readonly source: string;
  /** Inclusive `[first, last]` day ranges off work. */
  readonly holidays: readonly (readonly [string, string])[];
  /** Saturdays and Sundays that are working days. */
  readonly workingWeekendDays: readonly string[];
}

export const chinaHolidays = [
  {
    year: 2024,
    source: 'State Council General Office notice on the 2024 holidays, Guobanfa Mingdian [2023] No. 7 (2023-10-25)',
    holidays: [
      ['2024-01-01', '2024-01-01'],
      ['2024-02-10', '2024-02-17'],
      ['2024-04-04', '2024-04-06'],
      ['2024-05-01', '2024-05-05'],
      ['2024-06-10', '2024-06-10'],
      ['2024-09-15', '2024-09-17'],
      ['2024-10-01', '2024-10-07'],
    ],
    workingWeekendDays: [
      '2024-02-04',
      '2024-02-18',
      '2024-04-07',
      '2024-04-28',
      '2024-05-11',
      '2024-09-14',
      '2024-09-29',
      '2024-10-12',
    ],
  },
  {
    year: 2025,
    source: 'State Council General Office notice on the 2025 holidays, Guobanfa Mingdian [2024] No. 12 (2024-11-12)',
    holidays: [
      ['2025-01-01', '2025-01-01'],
      ['2025-01-28', '2025-02-04'],
      ['2025-04-04', '2025-04-06'],
      ['2025-05-01', '2025-05-05'],
      ['2025-05-31', '2025-06-02'],
      ['2025-10-01', '2025-10-08'],
    ],
    workingWeekendDays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    source: 'State Council General Office notice on the 2026 holidays (2025-11-04, published by Xinhua)',
    holidays: [
      ['2026-01-01', '2026-01-03'],
      ['2026-02-15', '2026-02-23'],
      ['2026-04-04', '2026-04-06'],
      ['2026-05-01', '2026-05-05'],
      ['2026-06-19', '2026-06-21'],
      ['2026-09-25', '2026-09-27'],
      ['2026-10-01', '2026-10-07'],
    ],
    workingWeekendDays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
] as const satisfies readonly HolidayYear[];
