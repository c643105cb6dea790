import { surveyAnswers, type SurveyAnswer } from './schema.ts';

/** Below this many valid responses a rate is shown as an insufficient sample and never ranked (DOMAIN.md §5.3). */
export const MIN_SAMPLE = 30;
/** The two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

export type AnswerCounts = Record<SurveyAnswer, number>;
export const emptyCounts = (): AnswerCounts => Object.fromEntries(surveyAnswers.map((a) => [a, 0])) as AnswerCounts;

export interface Interval {
  low: number;
  high: number;
}

/**
 * The Wilson score interval for x successes out of n (null when n = 0). Unlike the normal
 * approximation it stays inside [0, 1] and behaves at small n and at rates near 100 %.
 */
export function wilson(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export interface Satisfaction {
  /** Valid responses (staff of the unit already excluded). */
  n: number;
  /** satisfied + fairlySatisfied. */
  positive: number;
  /** positive / n, `unsure` kept in the denominator (the official-style rate, DOMAIN.md §5.1). */
  rate: number | null;
  interval: Interval | null;
  /** Responses other than `unsure`. */
  nExcludingUnsure: number;
  /** positive / (n − unsure). */
  rateExcludingUnsure: number | null;
  intervalExcludingUnsure: Interval | null;
  /** n < MIN_SAMPLE: shown as an insufficient sample, never ranked. */
  insufficient: boolean;
}

/** The satisfaction rate of a set of answers to one question. */
export function satisfaction(counts: AnswerCounts): Satisfaction {
  const n = surveyAnswers.reduce((sum, a) => sum + counts[a], 0);
  const positive = counts.satisfied + counts.fairlySatisfied;
  const nExcl = n - counts.unsure;
  return {
    n,
    positive,
    rate: n > 0 ? positive / n : null,
    interval: wilson(positive, n),
    nExcludingUnsure: nExcl,
    rateExcludingUnsure: nExcl > 0 ? positive / nExcl : null,
    intervalExcludingUnsure: wilson(positive, nExcl),
    insufficient: n < MIN_SAMPLE,
  };
}

/**
 * Rank units by rate, highest first; ties share a rank (1, 2, 2, 4). Units below the minimum sample get
 * no rank and sort after the ranked ones, by id, so a league table never shows a small-sample unit; with
 * fewer than two rankable units nobody is ranked.
 */
export function rankUnits<T extends { unitId: string; result: Satisfaction }>(
  rows: readonly T[],
): (T & { rank: number | null })[] {
  const ranked = rows.filter((r) => !r.result.insufficient && r.result.rate !== null);
  const unranked = rows.filter((r) => r.result.insufficient || r.result.rate === null);
  ranked.sort((a, b) => b.result.rate! - a.result.rate! || a.unitId.localeCompare(b.unitId));
  const out: (T & { rank: number | null })[] = [];
  // "Ranked first" of a class with a single ranked unit says nothing: below two ranked units nobody gets a rank.
  ranked.forEach((r, i) => {
    const prev = out[i - 1];
    const rank = ranked.length < 2 ? null : prev && prev.result.rate === r.result.rate ? prev.rank : i + 1;
    out.push({ ...r, rank });
  });
  for (const r of [...unranked].sort((a, b) => a.unitId.localeCompare(b.unitId))) out.push({ ...r, rank: null });
  return out;
}
