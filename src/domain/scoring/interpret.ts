import type { Indicator, Measure, RatioSource } from './standard.ts';

/**
 * The measure interpreter: one case per measure kind (STYLE.md rule 3). It never looks at an indicator's key.
 * Points are computed in hundredths (integers) so that sums are exact and the same inputs always give the
 * same scorecard.
 */

/** A link or note that backs a figure (a disclosure permalink, a statistics page, an evaluator's note). */
export interface Evidence {
  /** A message key or plain label (evaluator notes are plain text). */
  label: string;
  vars?: Record<string, string | number>;
  href?: string;
}

/** A rate measured from the portal's own data. */
export interface Ratio {
  /** Observations that meet the rule (on time, satisfied, compliant). */
  numerator: number;
  /** All observations. */
  denominator: number;
  evidence?: Evidence[];
}

/** One itemised deduction recorded by the evaluators. */
export interface AppliedDeduction {
  key: string;
  /** Occurrences (e.g. three missing documents). */
  count: number;
  /** The evaluator's evidence note. */
  note?: string;
}

/** What the evaluators recorded for one indicator (or bonus item) of one unit and year. */
export interface Mark {
  /** boolean: the finding; count: the number counted (per item key for a count with several items). */
  value?: boolean | number | Readonly<Record<string, number>> | null;
  /**
   * Points the evaluators give when a portal rate has too small a sample (insufficient sample): the rate is then
   * not scored automatically, this mark is.
   */
  points?: number | null;
  deductions?: AppliedDeduction[];
  note?: string | null;
}

export type IndicatorStatus =
  /** Scored by its rule. */
  | 'scored'
  /** A rate with too small a sample, scored by the evaluators' mark instead. */
  | 'insufficientSampleMarked'
  /** A rate with too small a sample and no mark yet. */
  | 'insufficientSample'
  /** Needs the evaluators' mark and has none. */
  | 'notMarked';

/** The rule that produced a score: a message key (`scoring.rule.<kind>`) with its values. */
export interface RuleApplied {
  key: string;
  vars: Record<string, string | number>;
}

export interface Measured {
  /** boolean / count value, or the rate. */
  value: boolean | number | null;
  /** For rates. */
  numerator?: number;
  denominator?: number;
  source?: RatioSource;
  /** A count with several items: each item's count against its own minimum. */
  items?: { key: string; label: string; count: number; minimum: number; met: boolean }[];
}

export interface BaseScore {
  status: IndicatorStatus;
  /** Hundredths of a point before deductions; null when not scored. */
  baseCents: number | null;
  measured: Measured | null;
  rule: RuleApplied;
  /** A negative-list item this result triggers (count below minimum with `shortfallVeto`). */
  triggersVeto?: string;
}

/**
 * `numerator / denominator ≥ threshold` on exact integer arithmetic (the threshold, a decimal such as 0.9, read to
 * six places): 8,999.5 of 10,000 (89.995 %) is below 90 % even though it displays as 90.00 %.
 */
export function reaches(numerator: number, denominator: number, threshold: number): boolean {
  const left = numerator * 1_000_000;
  const right = Math.round(threshold * 1_000_000) * denominator;
  // Both products exact in a double (every count the portal holds): the same comparison without BigInt.
  if (Number.isSafeInteger(left) && Number.isSafeInteger(right)) return left >= right;
  return BigInt(numerator) * 1_000_000n >= BigInt(Math.round(threshold * 1_000_000)) * BigInt(denominator);
}

export const toCents = (points: number): number => Math.round(points * 100);
export const fromCents = (cents: number): number => cents / 100;

function rateInput(m: Extract<Measure, { kind: 'ratio' | 'bands' }>, ratios: Partial<Record<RatioSource, Ratio>>) {
  const r = ratios[m.source];
  const n = r?.denominator ?? 0;
  const x = r?.numerator ?? 0;
  return { n, x, rate: n > 0 ? x / n : null, sufficient: n >= m.minSample };
}

/**
 * The rule of an indicator (what its scorecard line and the standard's page say), built once per indicator: it
 * depends on the standard only, and the scorecards of a year share it (frozen). Standards are not changed once
 * parsed.
 */
const rules = new WeakMap<Indicator, RuleApplied>();
function ruleOf(ind: Indicator): RuleApplied {
  let rule = rules.get(ind);
  if (!rule) {
    rule = buildRule(ind);
    Object.freeze(rule.vars);
    rules.set(ind, Object.freeze(rule));
  }
  return rule;
}

function buildRule(ind: Indicator): RuleApplied {
  const m = ind.measure;
  switch (m.kind) {
    case 'mark':
      return { key: 'scoring.rule.mark', vars: { points: ind.points } };
    case 'boolean':
      return { key: 'scoring.rule.boolean', vars: { points: ind.points } };
    case 'count':
      if (m.items)
        return {
          key: m.shortfallVeto ? 'scoring.rule.countItemsVeto' : 'scoring.rule.countItems',
          vars: { points: ind.points, items: m.items.map((i) => `${i.label} ≥ ${i.minimum}`).join('、') },
        };
      return {
        key: m.shortfallVeto ? 'scoring.rule.countVeto' : 'scoring.rule.count',
        vars: { points: ind.points, minimum: m.minimum ?? 1 },
      };
    case 'ratio':
      return { key: 'scoring.rule.ratio', vars: { points: ind.points, source: m.source, minSample: m.minSample } };
    case 'bands': {
      const bands = m.bands
        .map((b) => `≥${Math.round(b.min * 1000) / 10}%→${Math.round(b.share * ind.points * 100) / 100}`)
        .join(' / ');
      return {
        key: 'scoring.rule.bands',
        vars: { points: ind.points, source: m.source, minSample: m.minSample, bands },
      };
    }
  }
}

/** The score of one measure kind, before deductions. */
export function scoreMeasure(
  ind: Indicator,
  mark: Mark | undefined,
  ratios: Partial<Record<RatioSource, Ratio>>,
): BaseScore {
  const max = toCents(ind.points);
  const m = ind.measure;
  const rule = ruleOf(ind);
  switch (m.kind) {
    case 'mark': {
      if (!mark) return { status: 'notMarked', baseCents: null, measured: null, rule };
      return { status: 'scored', baseCents: max, measured: null, rule };
    }
    case 'boolean': {
      if (typeof mark?.value !== 'boolean') return { status: 'notMarked', baseCents: null, measured: null, rule };
      return { status: 'scored', baseCents: mark.value ? max : 0, measured: { value: mark.value }, rule };
    }
    case 'count': {
      if (m.items) {
        const counts = mark?.value;
        if (typeof counts !== 'object' || counts === null || m.items.some((i) => typeof counts[i.key] !== 'number'))
          return { status: 'notMarked', baseCents: null, measured: null, rule };
        const items = m.items.map((i) => {
          const count = counts[i.key]!;
          return { key: i.key, label: i.label, count, minimum: i.minimum, met: count >= i.minimum };
        });
        const met = items.every((i) => i.met);
        const base: BaseScore = { status: 'scored', baseCents: met ? max : 0, measured: { value: null, items }, rule };
        if (!met && m.shortfallVeto) base.triggersVeto = m.shortfallVeto;
        return base;
      }
      const minimum = m.minimum ?? 1;
      if (typeof mark?.value !== 'number') return { status: 'notMarked', baseCents: null, measured: null, rule };
      const met = mark.value >= minimum;
      const base: BaseScore = { status: 'scored', baseCents: met ? max : 0, measured: { value: mark.value }, rule };
      if (!met && m.shortfallVeto) base.triggersVeto = m.shortfallVeto;
      return base;
    }
    case 'ratio': {
      const r = rateInput(m, ratios);
      const measured = { value: r.rate, numerator: r.x, denominator: r.n, source: m.source };
      if (!r.sufficient) return insufficient(measured, mark, max, rule);
      return { status: 'scored', baseCents: Math.round((max * r.x) / r.n), measured, rule };
    }
    case 'bands': {
      const r = rateInput(m, ratios);
      const measured = { value: r.rate, numerator: r.x, denominator: r.n, source: m.source };
      if (!r.sufficient) return insufficient(measured, mark, max, rule);
      // Compared as x ≥ min·n in exact arithmetic: 19/20 must reach the 95 % band.
      const band = m.bands.find((b) => reaches(r.x, r.n, b.min));
      return { status: 'scored', baseCents: band ? Math.round(max * band.share) : 0, measured, rule };
    }
  }
}

function insufficient(measured: Measured, mark: Mark | undefined, max: number, rule: RuleApplied): BaseScore {
  if (typeof mark?.points === 'number') {
    return {
      status: 'insufficientSampleMarked',
      baseCents: Math.min(max, Math.max(0, toCents(mark.points))),
      measured,
      rule,
    };
  }
  return { status: 'insufficientSample', baseCents: null, measured, rule };
}

export interface DeductionResult {
  key: string;
  label: string;
  count: number;
  /** Hundredths of a point taken off (count × points per item). */
  cents: number;
  note?: string;
}

/** The itemised deductions of a mark, resolved against the indicator's list (unknown keys are dropped). */
export function resolveDeductions(ind: Indicator, mark: Mark | undefined): DeductionResult[] {
  const out: DeductionResult[] = [];
  for (const d of mark?.deductions ?? []) {
    const item = ind.deductions.find((x) => x.key === d.key);
    if (!item || d.count <= 0) continue;
    out.push({
      key: d.key,
      label: item.label,
      count: d.count,
      cents: toCents(item.points) * d.count,
      ...(d.note ? { note: d.note } : {}),
    });
  }
  return out;
}
