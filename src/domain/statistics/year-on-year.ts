/**
 * Year-on-year change as the commission publishes it (DOMAIN.md §5.5):
 * (this period − the same period last year) / the same period last year × 100, to two decimals.
 *
 * The result is a closed set of outcomes, so a page can never print "NaN%" or "Infinity%":
 * - `change`: both periods reported and last year's base is positive;
 * - `new` (shown as "new", not a percentage): last year's base is 0 and this year's is not: never a percentage;
 * - `zeroBoth`: both are 0 (no change, and no percentage either);
 * - `missing`: either period was not reported (or is not a valid count): never treated as 0.
 */
export type YearOnYear =
  { kind: 'change'; percent: number } | { kind: 'new' } | { kind: 'zeroBoth' } | { kind: 'missing' };

/** A reported count: a finite, non-negative whole number. */
export const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

/**
 * Round a / b × 100 to two decimals, half away from zero, in exact integer arithmetic (binary floating
 * point would turn −43.434343… or x.xx5 cases into off-by-one-hundredth results).
 */
function percentOf(numerator: number, denominator: number): number {
  const scaled = numerator * 10_000;
  if (!Number.isSafeInteger(scaled)) {
    // Beyond 2^53 / 10^4 (about 900 billion) exactness is impossible anyway; round the float.
    return Math.round((numerator / denominator) * 10_000) / 100;
  }
  const sign = Math.sign(scaled) * Math.sign(denominator);
  const n = Math.abs(scaled);
  const d = Math.abs(denominator);
  const q = Math.floor(n / d);
  const r = n - q * d;
  const hundredths = 2 * r >= d ? q + 1 : q;
  return (sign * hundredths) / 100 || 0;
}

/**
 * The change from `previous` (the same window last year) to `current`. Pass `null`/`undefined` for a
 * period that was not reported; it yields `missing`, never a change from or to 0.
 */
export function yearOnYear(current: number | null | undefined, previous: number | null | undefined): YearOnYear {
  if (!isCount(current) || !isCount(previous)) return { kind: 'missing' };
  if (previous === 0) return current === 0 ? { kind: 'zeroBoth' } : { kind: 'new' };
  return { kind: 'change', percent: percentOf(current - previous, previous) };
}

/**
 * Sum of a window of periods (e.g. quarters 1–3), or null when any of them is missing: a year in
 * progress is compared with the same quarters of last year, never with the whole of it.
 */
export function windowTotal(values: readonly (number | null | undefined)[]): number | null {
  let total = 0;
  for (const v of values) {
    if (!isCount(v)) return null;
    total += v;
  }
  return values.length === 0 ? null : total;
}

/**
 * The same month a year earlier (`2027-03` → `2026-03`). A month is the window in both years, whatever
 * its length: February 2028 (29 days, a leap year) is compared with February 2027 (28 days) — the
 * published "same period last year" is the calendar month, not a count of days (DOMAIN.md §5.5).
 */
export function sameMonthLastYear(month: string): string {
  return `${String(Number(month.slice(0, 4)) - 1).padStart(4, '0')}${month.slice(4)}`;
}

/**
 * Monthly year-on-year changes of a count series. `counts` holds the months that were recorded; a month
 * inside the recorded range `[first, last]` without an entry counted 0, a month outside it was not
 * recorded and is `missing` (never 0). A month still in progress (`inProgress`) is not a whole month, so
 * it has no comparable window and is `missing` too.
 */
export function monthlyYearOnYear(
  counts: ReadonlyMap<string, number>,
  range: { first: string; last: string },
  month: string,
  inProgress?: string,
): YearOnYear {
  const valueOf = (m: string): number | null => (m < range.first || m > range.last ? null : (counts.get(m) ?? 0));
  if (month === inProgress) return { kind: 'missing' };
  return yearOnYear(valueOf(month), valueOf(sameMonthLastYear(month)));
}
