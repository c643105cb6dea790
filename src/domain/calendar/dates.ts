import { z } from 'zod';

/**
 * Calendar dates as `YYYY-MM-DD` strings (Beijing local dates, no time zone arithmetic). Disclosure
 * rules count days, never hours, so dates are plain strings compared lexically and turned into day
 * numbers only for arithmetic.
 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;
const YEAR_QUARTER = /^(\d{4})-Q([1-4])$/;
const MS_PER_DAY = 86_400_000;

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is false). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** True for `YYYY-MM` with a month 01–12. */
export function isYearMonth(value: string): boolean {
  const m = YEAR_MONTH.exec(value);
  return m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[1]) >= 1900 && Number(m[1]) <= 2200;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 (UTC day count of the calendar date). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

export function fromDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(date: string): number {
  return (((dayNumber(date) + 4) % 7) + 7) % 7;
}

export const yearOf = (date: string): number => Number(date.slice(0, 4));
export const monthOf = (date: string): string => date.slice(0, 7);

/** `2026-12` → `2027-01`. */
export function nextMonth(yearMonth: string): string {
  const [y, m] = yearMonth.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** `2027-01` → `2026-12`. */
export function previousMonth(yearMonth: string): string {
  const [y, m] = yearMonth.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** The last calendar date of a `YYYY-MM` month. */
export function lastDayOfMonth(yearMonth: string): string {
  const [y, m] = yearMonth.split('-').map(Number) as [number, number];
  return `${yearMonth}-${String(daysInMonth(y, m)).padStart(2, '0')}`;
}

/** True for `YYYY-Qn` with a quarter 1–4 (`2026-Q3`). */
export function isYearQuarter(value: string): boolean {
  const m = YEAR_QUARTER.exec(value);
  return m !== null && Number(m[1]) >= 1900 && Number(m[1]) <= 2200;
}

/** The quarter a `YYYY-MM` month lies in: `2026-08` → `2026-Q3`. */
export function quarterOfMonth(yearMonth: string): string {
  return `${yearMonth.slice(0, 4)}-Q${String(Math.ceil(Number(yearMonth.slice(5, 7)) / 3))}`;
}

/** The three `YYYY-MM` months of a quarter, in order. */
export function monthsOfQuarter(yearQuarter: string): [string, string, string] {
  const first = (Number(yearQuarter.slice(6)) - 1) * 3 + 1;
  const month = (m: number) => `${yearQuarter.slice(0, 4)}-${String(m).padStart(2, '0')}`;
  return [month(first), month(first + 1), month(first + 2)];
}

/** `2026-Q4` → `2027-Q1`. */
export function nextQuarter(yearQuarter: string): string {
  return quarterOfMonth(nextMonth(monthsOfQuarter(yearQuarter)[2]));
}

/** A content field holding a calendar date (`2026-03-15`). */
export const IsoDate = z.string().refine(isIsoDate, 'disclosures.date.invalid');
/** A content field holding a month (`2026-03`). */
export const YearMonth = z.string().refine(isYearMonth, 'disclosures.month.invalid');
/** A content field holding a quarter (`2026-Q1`). */
export const YearQuarter = z.string().refine(isYearQuarter, 'disclosures.quarter.invalid');

/** The Beijing calendar date (YYYY-MM-DD) of an instant: the one "today" of the product (China has one time zone, no DST). */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/**
 * The first instant strictly after `after` when the Beijing clock shows `hour:minute` (China has one time
 * zone and no DST, so every day has the same UTC offset): the nightly rebuild's next tick.
 */
export function nextBeijingTime(after: Date, hour: number, minute: number): Date {
  const offset = 8 * 3_600_000;
  const local = after.getTime() + offset;
  const day = Math.floor(local / 86_400_000) * 86_400_000;
  let at = day + (hour * 60 + minute) * 60_000;
  if (at <= local) at += 86_400_000;
  return new Date(at - offset);
}
