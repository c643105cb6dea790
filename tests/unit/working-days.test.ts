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
import { readCalendar } from '../../src/content/files.ts';
import { chinaCalendar } from '../support/calendar.ts';
import {
  countWorkingDays,
  createCalendar,
  isWorkingDay,
  nextYearMissing,
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

describe('the shipped calendar files (content/calendar)', () => {
  test('exactly the years whose State Council notice the project has: 2024-2026, none invented', () => {
    expect(readCalendar().years.map((y) => y.year)).toEqual([2024, 2025, 2026]);
  });
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
    expect(isWorkingDay(chinaCalendar, date)).toEqual({ value: expected, provisional: false });
  });

  test('a year without a calendar file counts Monday-Friday and says provisional, never final', () => {
    // 2027-01-01 is a Friday: certainly New Year's Day off, but no file says so yet.
    expect(isWorkingDay(chinaCalendar, '2027-01-01')).toEqual({ value: true, provisional: true });
    expect(isWorkingDay(chinaCalendar, '2027-01-02')).toEqual({ value: false, provisional: true });
    // 2026-12-28..31 from the 2026 file (4 days), 2027-01-01..08 Monday-Friday (6 days).
    expect(countWorkingDays(chinaCalendar, '2026-12-28', '2027-01-08')).toEqual({ value: 10, provisional: true });
    expect(countWorkingDays(chinaCalendar, '2026-12-21', '2026-12-25')).toEqual({ value: 5, provisional: false });
    expect(windowEnd(chinaCalendar, '2026-12-29', 5)).toEqual({ value: '2027-01-04', provisional: true });
  });

  test.each([
    ['2026-05-28', '2026-06-05', 7],
    ['2026-09-28', '2026-10-09', 5],
    ['2026-02-13', '2026-02-24', 3],
    ['2026-03-16', '2026-03-20', 5],
    ['2026-03-20', '2026-03-16', 0],
  ])('%s to %s holds %i working days', (start, end, days) => {
    expect(countWorkingDays(chinaCalendar, start, end)).toEqual({ value: days, provisional: false });
  });

  test.each([
    ['2026-09-30', 5, '2026-10-12'],
    ['2026-03-16', 5, '2026-03-20'],
    ['2026-02-14', 2, '2026-02-24'],
    ['2026-10-03', 1, '2026-10-08'],
  ])('a %s window of %i working days ends on %s', (start, n, end) => {
    expect(windowEnd(chinaCalendar, start, n)).toEqual({ value: end, provisional: false });
  });

  test('a calendar is plain data: an empty year has only weekends off', () => {
    const cal = createCalendar([{ year: 2030, holidays: [], workingWeekendDays: [] }]);
    expect(countWorkingDays(cal, '2030-01-01', '2030-01-31')).toEqual({ value: 23, provisional: false });
  });
});

describe('the console warns from 1 November when next year has no calendar file', () => {
  test.each([
    ['2026-10-31', null],
    ['2026-11-01', 2027],
    ['2026-12-31', 2027],
    ['2025-11-01', null],
    ['2027-03-01', null],
  ])('on %s: %s', (today, expected) => {
    expect(nextYearMissing(chinaCalendar, today)).toBe(expected);
  });
});
