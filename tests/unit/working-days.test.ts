import { describe, expect, test } from 'vitest';
import {
  addDays,
  isIsoDate,
  isYearMonth,
  lastDayOfMonth,
  nextMonth,
  previousMonth,
  weekday,
} from '../../src/domain/calendar/dates.ts';
import { chinaHolidays } from '../../src/domain/calendar/china-holidays.ts';
import {
  chinaCalendar,
  countWorkingDays,
  createCalendar,
  isWorkingDay,
  windowEnd,
} from '../../src/domain/calendar/working-days.ts';

describe('dates', () => {
  test.each([
    ['2026-03-16', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-3-16', false],
    ['2026-03-16T00:00', false],
    ['', false],
  ])('isIsoDate(%s) is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected);
  });

  test.each([
    ['2026-03', true],
    ['2026-00', false],
    ['2026-3', false],
  ])('isYearMonth(%s) is %s', (value, expected) => {
    expect(isYearMonth(value)).toBe(expected);
  });

  test.each([
    ['2026-11-28', 6],
    ['2026-11-29', 0],
    ['1970-01-01', 4],
    ['2024-02-29', 4],
  ])('weekday(%s) = %i', (date, day) => {
    expect(weekday(date)).toBe(day);
  });

  test('month arithmetic crosses years, and month ends know leap years', () => {
    expect(nextMonth('2026-12')).toBe('2027-01');
    expect(previousMonth('2027-01')).toBe('2026-12');
    expect(lastDayOfMonth('2024-02')).toBe('2024-02-29');
    expect(lastDayOfMonth('2026-02')).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('the holiday table', () => {
  test('years are unique, ascending and have a source', () => {
    const years = chinaHolidays.map((y) => y.year);
    expect(years).toEqual([...new Set(years)].toSorted());
    for (const y of chinaHolidays) expect(y.source.length).toBeGreaterThan(20);
  });

  test.each(chinaHolidays.map((y) => [y.year, y] as const))(
    '%i: ranges are real dates inside the year, in order',
    (year, y) => {
      for (const [first, last] of y.holidays) {
        expect(isIsoDate(first) && isIsoDate(last)).toBe(true);
        expect(first <= last).toBe(true);
        expect(first.startsWith(`${year}-`) && last.startsWith(`${year}-`)).toBe(true);
      }
    },
  );

  test.each(chinaHolidays.map((y) => [y.year, y] as const))(
    '%i: adjusted working days are weekend days outside every holiday',
    (_year, y) => {
      for (const d of y.workingWeekendDays) {
        expect([0, 6]).toContain(weekday(d));
        expect(y.holidays.some(([first, last]) => d >= first && d <= last)).toBe(false);
      }
    },
  );
});

describe('working days (State Council notices 2024-2026)', () => {
  test.each([
    ['2026-03-02', 'an ordinary Monday', true],
    ['2026-03-07', 'an ordinary Saturday', false],
    ['2026-02-16', 'Spring Festival Monday', false],
    ['2026-02-14', 'a Saturday moved into work', true],
    ['2025-10-08', 'the eighth day of the 2025 National Day break', false],
    ['2025-10-11', 'a Saturday moved into work in 2025', true],
    ['2024-06-10', 'Dragon Boat Festival 2024', false],
  ])('%s (%s) is a working day: %s', (date, _label, expected) => {
    expect(isWorkingDay(chinaCalendar, date)).toEqual({ ok: true, value: expected });
  });

  test('a year the table does not cover is reported, not guessed', () => {
    expect(isWorkingDay(chinaCalendar, '2027-01-04')).toEqual({ ok: false, reason: 'yearMissing', year: 2027 });
    expect(countWorkingDays(chinaCalendar, '2026-12-28', '2027-01-08')).toEqual({
      ok: false,
      reason: 'yearMissing',
      year: 2027,
    });
  });

  test.each([
    ['2026-05-28', '2026-06-05', 7],
    ['2026-09-28', '2026-10-09', 5],
    ['2026-02-13', '2026-02-24', 3],
    ['2026-03-16', '2026-03-20', 5],
    ['2026-03-20', '2026-03-16', 0],
  ])('%s to %s holds %i working days', (start, end, days) => {
    expect(countWorkingDays(chinaCalendar, start, end)).toEqual({ ok: true, value: days });
  });

  test.each([
    ['2026-09-30', 5, '2026-10-12'],
    ['2026-03-16', 5, '2026-03-20'],
    ['2026-02-14', 2, '2026-02-24'],
    ['2026-10-03', 1, '2026-10-08'],
  ])('a %s window of %i working days ends on %s', (start, n, end) => {
    expect(windowEnd(chinaCalendar, start, n)).toEqual({ ok: true, value: end });
  });

  test('a calendar is plain data: an empty year has only weekends off', () => {
    const cal = createCalendar([{ year: 2030, source: 'test', holidays: [], workingWeekendDays: [] }]);
    expect(countWorkingDays(cal, '2030-01-01', '2030-01-31')).toEqual({ ok: true, value: 23 });
  });
});
