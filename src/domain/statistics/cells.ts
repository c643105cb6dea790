import { MIN_SAMPLE, wilson } from '../surveys/results.ts';
import type { YearOnYear } from './year-on-year.ts';
import { isCount } from './year-on-year.ts';

/**
 * Statistical disclosure control for public breakdowns. A cell counting 1 to 4 people or items in a
 * breakdown (by township, carrier, month, kind …) can point at individuals, so it is published as
 * "<5" (suppressed). A count of 0 is published: it identifies nobody.
 */
export const SUPPRESSION_THRESHOLD = 5;
/** Rates on fewer observations than this are flagged as a small sample (the "insufficient sample" flag), as for surveys. */
export const SMALL_SAMPLE = MIN_SAMPLE;

/** One cell of a published statistics table: what it is, never a bare number that might be NaN. */
export type Cell =
  /** A count (0, or at least the suppression threshold). */
  | { kind: 'count'; n: number }
  /** A count of 1–4, or a cell suppressed so that such a count cannot be recovered from a total. */
  | { kind: 'suppressed' }
  /** The period was not reported. */
  | { kind: 'missing' }
  /** Nothing to compute a rate or median on (n = 0). */
  | { kind: 'none' }
  /** `rate` in [0, 1] of `n` observations, with its 95 % Wilson interval. */
  | { kind: 'rate'; rate: number; n: number; low: number; high: number; smallSample: boolean }
  /** The median of `n` durations, in days. */
  | { kind: 'median'; days: number; n: number; smallSample: boolean }
  /** `share` in [0, 1] of a published total; `n` is the count behind it. */
  | { kind: 'share'; share: number; n: number }
  | { kind: 'yoy'; change: YearOnYear | { kind: 'suppressed' } };

const assertCount = (n: number): void => {
  if (!isCount(n)) throw new RangeError(`not a count: ${String(n)}`);
};

/** True when a count must not be published as such. */
export const isSmallCount = (n: number): boolean => n > 0 && n < SUPPRESSION_THRESHOLD;

/** A single count cell (null or undefined: the period was not reported). */
export function countCell(n: number | null | undefined): Cell {
  if (n === null || n === undefined) return { kind: 'missing' };
  assertCount(n);
  return isSmallCount(n) ? { kind: 'suppressed' } : { kind: 'count', n };
}

/**
 * The counts of one breakdown whose total is published (e.g. the kinds of one month next to the month's
 * total). Primary suppression hides every 1–4; when that hides exactly one cell, its value would follow
 * from the total minus the others, so the smallest other positive cell is hidden too (complementary
 * suppression).
 */
export function breakdownCells(
  counts: readonly (number | null | undefined)[],
  opts: { totalPublished: boolean } = { totalPublished: true },
): Cell[] {
  const cells = counts.map(countCell);
  if (!opts.totalPublished) return cells;
  const hidden = cells.filter((c) => c.kind === 'suppressed').length;
  if (hidden === 1) {
    let pick = -1;
    counts.forEach((n, i) => {
      if (cells[i]!.kind !== 'count' || !n) return;
      if (pick < 0 || n < counts[pick]!) pick = i;
    });
    if (pick >= 0) cells[pick] = { kind: 'suppressed' };
  }
  return cells;
}

/** The total of a breakdown, suppressed itself when it is 1–4. */
export const totalCell = (counts: readonly (number | null | undefined)[]): Cell => {
  if (counts.some((n) => n === null || n === undefined)) return { kind: 'missing' };
  return countCell(counts.reduce<number>((a, b) => a + (b ?? 0), 0));
};

/**
 * Shares of a published total (the "four forms" split), with the same suppression as the counts: a suppressed
 * count has a suppressed share, since the share times the total would give the count back.
 */
export function shareCells(counts: readonly number[]): Cell[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return breakdownCells(counts).map((c, i) => {
    if (c.kind !== 'count') return c;
    return total === 0 ? { kind: 'none' } : { kind: 'share', share: counts[i]! / total, n: counts[i]! };
  });
}

/**
 * A rate of `x` out of `n`. n = 0 has no rate ("none", never 0/0); n of 1–4 is suppressed (the rate
 * of 1 or 2 people is about those people); below SMALL_SAMPLE it is published with a flag.
 */
export function rateCell(x: number, n: number): Cell {
  assertCount(x);
  assertCount(n);
  if (x > n) throw new RangeError(`rate numerator ${x} exceeds n ${n}`);
  if (n === 0) return { kind: 'none' };
  if (isSmallCount(n)) return { kind: 'suppressed' };
  const ci = wilson(x, n)!;
  return { kind: 'rate', rate: x / n, n, low: ci.low, high: ci.high, smallSample: n < SMALL_SAMPLE };
}

/** The median of durations in days, with the same guards as a rate. */
export function medianCell(days: readonly number[]): Cell {
  const values = days.filter((d) => Number.isFinite(d) && d >= 0).toSorted((a, b) => a - b);
  if (values.length !== days.length) throw new RangeError('durations must be finite and non-negative');
  const n = values.length;
  if (n === 0) return { kind: 'none' };
  if (isSmallCount(n)) return { kind: 'suppressed' };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
  return { kind: 'median', days: Math.round(median * 10) / 10, n, smallSample: n < SMALL_SAMPLE };
}

/**
 * The year-on-year change of two cells. A change involving a suppressed cell is suppressed as well:
 * "new" next to a hidden count would say it is 1–4.
 */
export function yoyCell(current: Cell, previous: Cell, change: YearOnYear): Cell {
  if (current.kind === 'suppressed' || previous.kind === 'suppressed')
    return { kind: 'yoy', change: { kind: 'suppressed' } };
  return { kind: 'yoy', change };
}

/** The number a chart plots for a cell (percent for rates and shares), or null for a gap. */
export function plotValue(cell: Cell): number | null {
  switch (cell.kind) {
    case 'count':
      return cell.n;
    case 'rate':
      return round2(cell.rate * 100);
    case 'share':
      return round2(cell.share * 100);
    case 'median':
      return cell.days;
    case 'yoy':
      return cell.change.kind === 'change' ? cell.change.percent : null;
    case 'missing':
    case 'none':
    case 'suppressed':
      return null;
  }
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;
