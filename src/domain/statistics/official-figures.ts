import { z } from 'zod';
import { lastDayOfMonth } from '../calendar/dates.ts';

/**
 * The commission's published case statistics (DOMAIN.md §5.5, GLOSSARY: preliminaryLeads …), one file
 * per year in content/official-figures/<year>.yaml. Clerks type what the commission published;
 * everything derived (year-on-year changes, "four forms" shares, cumulative windows) is computed.
 */
export const officialMeasures = ['preliminaryLeads', 'petitionsAndReports', 'casesFiled', 'sanctions'] as const;
export type OfficialMeasure = (typeof officialMeasures)[number];

/** The "four forms": the first (criticism, talks) to the fourth (prosecution) form of supervision and discipline. */
export const fourForms = ['first', 'second', 'third', 'fourth'] as const;

export const COUNT_MAX = 1_000_000;
const Count = z
  .number('statistics.official.notCount')
  .int('statistics.official.notCount')
  .min(0, 'statistics.official.notCount')
  .max(COUNT_MAX, 'statistics.official.tooLarge');

/** The four measures of one period; each as published (cases or persons). */
export const MeasureCounts = z.strictObject({
  /** Preliminary leads (cases): case leads taken into preliminary verification. */
  preliminaryLeads: Count,
  /** Petitions and reports (items): petitions and reports received. */
  petitionsAndReports: Count,
  /** Cases filed: cases filed. */
  casesFiled: Count,
  /** Sanctions (persons): people given party or government sanctions. */
  sanctions: Count,
});
export type MeasureCounts = z.infer<typeof MeasureCounts>;

export const QuarterFigures = MeasureCounts.extend({
  /** 1–4. */
  quarter: z.number().int().min(1, 'statistics.official.quarterInvalid').max(4, 'statistics.official.quarterInvalid'),
});

/** One month's figures, for a commission that publishes monthly (optional; quarters stay the usual form). */
export const MonthFigures = MeasureCounts.extend({
  /** 1–12. */
  month: z.number().int().min(1, 'statistics.official.monthInvalid').max(12, 'statistics.official.monthInvalid'),
});
export type MonthFigures = z.infer<typeof MonthFigures>;

export const TownshipFigures = MeasureCounts.extend({
  /** A township id from content/townships (checked against the registry). */
  township: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'units.slug.invalid'),
});

const isoDate = z.iso.date('statistics.official.dateInvalid');

export const OfficialFiguresYear = z
  .strictObject({
    /** The calendar year; must match the file name (`2025.yaml`). */
    year: z.number().int().min(2000, 'statistics.official.yearInvalid').max(2100, 'statistics.official.yearInvalid'),
    /** Demo data: true for the fictional demo city. */
    demo: z.boolean().default(false),
    /** The publication the figures are taken from (title and issuing body). */
    source: z.string().trim().min(4, 'statistics.official.sourceMissing').max(200),
    /** When the commission published the latest of these figures (YYYY-MM-DD). */
    publishedOn: isoDate,
    /** Figures per quarter, as published; a year in progress lists the quarters published so far. */
    quarters: z.array(QuarterFigures).max(4).default([]),
    /**
     * Figures per month, when the commission publishes them monthly; may stand alone or beside the
     * quarters (then a quarter whose three months are all listed must equal their sum).
     */
    months: z.array(MonthFigures).max(12).default([]),
    /** The whole year; only once the year is over (all four quarters, or an annual-only release). */
    total: MeasureCounts.optional(),
    /** The "four forms" (person-times) for the year or the year so far. */
    fourForms: z.strictObject({ first: Count, second: Count, third: Count, fourth: Count }).optional(),
    /** The year (or year so far) per township; a city-level case belongs to no township. */
    townships: z.array(TownshipFigures).default([]),
  })
  .superRefine((y, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const seen = new Set<number>();
    y.quarters.forEach((q, i) => {
      if (seen.has(q.quarter)) issue(['quarters', i, 'quarter'], 'statistics.official.quarterDuplicate');
      if (i > 0 && q.quarter <= y.quarters[i - 1]!.quarter)
        issue(['quarters', i, 'quarter'], 'statistics.official.quarterOrder');
      seen.add(q.quarter);
    });
    const seenMonths = new Set<number>();
    y.months.forEach((mo, i) => {
      if (seenMonths.has(mo.month)) issue(['months', i, 'month'], 'statistics.official.monthDuplicate');
      if (i > 0 && mo.month <= y.months[i - 1]!.month) issue(['months', i, 'month'], 'statistics.official.monthOrder');
      seenMonths.add(mo.month);
    });
    for (const q of y.quarters) {
      const own = monthsOfQuarter(y.months, q.quarter);
      if (!own) continue;
      for (const m of officialMeasures)
        if (own.reduce((a, mo) => a + mo[m], 0) !== q[m])
          issue(['quarters', y.quarters.indexOf(q), m], 'statistics.official.monthsMismatch');
    }
    if (y.quarters.length === 0 && y.months.length === 0 && !y.total) issue(['quarters'], 'statistics.official.empty');
    if (y.total && y.quarters.length > 0 && y.quarters.length < 4)
      issue(['total'], 'statistics.official.totalBeforeYearEnd');
    if (y.total && y.quarters.length === 0 && y.months.length > 0 && y.months.length < 12)
      issue(['total'], 'statistics.official.totalBeforeYearEnd');
    if (y.total && y.quarters.length === 0 && y.months.length === 12) {
      for (const m of officialMeasures)
        if (y.months.reduce((a, mo) => a + mo[m], 0) !== y.total[m])
          issue(['total', m], 'statistics.official.totalMismatch');
    }
    if (y.total && y.quarters.length === 4) {
      for (const m of officialMeasures) {
        const sum = y.quarters.reduce((a, q) => a + q[m], 0);
        if (sum !== y.total[m]) issue(['total', m], 'statistics.official.totalMismatch');
      }
    }
    // The schema keeps quarters within 1–4 and months within 1–12.
    const lastMonth =
      y.quarters.length || y.months.length
        ? Math.min(12, Math.max((y.quarters.at(-1)?.quarter ?? 0) * 3, y.months.at(-1)?.month ?? 0))
        : 12;
    const periodEnd = lastDayOfMonth(`${y.year}-${String(lastMonth).padStart(2, '0')}`);
    if (y.publishedOn <= periodEnd) issue(['publishedOn'], 'statistics.official.publishedBeforePeriodEnd');
    const townships = new Set<string>();
    y.townships.forEach((t, i) => {
      if (townships.has(t.township)) issue(['townships', i, 'township'], 'statistics.official.townshipDuplicate');
      townships.add(t.township);
    });
    const whole = yearFigures(y);
    if (whole && y.townships.length > 0) {
      for (const m of officialMeasures) {
        if (y.townships.reduce((a, t) => a + t[m], 0) > whole[m])
          issue(['townships', m], 'statistics.official.townshipsExceedTotal');
      }
    }
  });
export type OfficialFiguresYear = z.infer<typeof OfficialFiguresYear>;

type Periods = Pick<OfficialFiguresYear, 'quarters' | 'total'> & { months?: readonly MonthFigures[] };

/** The three months of a quarter when all three are listed, else null. */
export function monthsOfQuarter(months: readonly MonthFigures[] | undefined, quarter: number): MonthFigures[] | null {
  const own = (months ?? []).filter((mo) => Math.ceil(mo.month / 3) === quarter);
  return own.length === 3 ? own : null;
}

/** The figures of a quarter: as published, or the sum of its three published months. */
export function quarterFigures(y: Periods, quarter: number): MeasureCounts | null {
  const listed = y.quarters.find((q) => q.quarter === quarter);
  if (listed) return listed;
  const own = monthsOfQuarter(y.months, quarter);
  if (!own) return null;
  return Object.fromEntries(officialMeasures.map((m) => [m, own.reduce((a, mo) => a + mo[m], 0)])) as MeasureCounts;
}

/** The year's figures: the annual total, or the sum of the quarters (or, failing those, the months) published so far. */
export function yearFigures(y: Periods): MeasureCounts | null {
  if (y.total) return y.total;
  const parts: readonly MeasureCounts[] = y.quarters.length ? y.quarters : (y.months ?? []);
  if (parts.length === 0) return null;
  return Object.fromEntries(officialMeasures.map((m) => [m, parts.reduce((a, q) => a + q[m], 0)])) as MeasureCounts;
}

/**
 * Quarters covered by a year's figures: 1–4 with a total, else the quarters listed, else the quarters
 * whose three months are all listed (a monthly publisher in mid-quarter covers the quarters completed).
 */
export function quartersCovered(y: Periods): number[] {
  if (y.total) return [1, 2, 3, 4];
  if (y.quarters.length) return y.quarters.map((q) => q.quarter);
  return [1, 2, 3, 4].filter((_q, i, all) => all.slice(0, i + 1).every((p) => monthsOfQuarter(y.months, p)));
}

/**
 * A measure over the given quarters of a year, or null when any of them was not published (so that a
 * year in progress is compared with the same quarters of last year: DOMAIN.md §5.5 "same windows").
 */
export function windowFigure(y: Periods | undefined, quarters: readonly number[], m: OfficialMeasure): number | null {
  if (!y) return null;
  if (y.total && quarters.length === 4 && [1, 2, 3, 4].every((q) => quarters.includes(q))) return y.total[m];
  let sum = 0;
  for (const q of quarters) {
    const f = quarterFigures(y, q);
    if (!f) return null;
    sum += f[m];
  }
  return quarters.length ? sum : null;
}

/** Cross-file rules: the file is named after its year, and townships exist in the registry. */
export function officialFileProblems(
  fileYear: string,
  y: OfficialFiguresYear,
  townshipIds: ReadonlySet<string>,
): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (fileYear !== String(y.year)) problems.push({ path: ['year'], message: 'statistics.official.yearNotFileName' });
  y.townships.forEach((t, i) => {
    if (!townshipIds.has(t.township))
      problems.push({ path: ['townships', i, 'township'], message: 'statistics.official.townshipUnknown' });
  });
  return problems;
}
