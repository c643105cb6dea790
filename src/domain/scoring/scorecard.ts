import type { Carrier } from '../units/schema.ts';
import { indicatorsFor, lookBackWindow, vetoItemsFor, type RatioSource, type Standard } from './standard.ts';
import {
  fromCents,
  reaches,
  resolveDeductions,
  scoreMeasure,
  toCents,
  type DeductionResult,
  type Evidence,
  type IndicatorStatus,
  type Mark,
  type Measured,
  type Ratio,
  type RuleApplied,
} from './interpret.ts';

/** model · pass · fail, or pending while an indicator still waits for a mark. */
export const grades = ['model', 'pass', 'fail', 'pending'] as const;
export type Grade = (typeof grades)[number];

/** A negative-list event as recorded (date, type, source). */
export interface VetoEvent {
  /** The negative-list item key. */
  key: string;
  /** The day it happened (YYYY-MM-DD); the look-back window is counted on it. */
  occurredOn: string;
  /** Where it is documented (e.g. a disciplinary decision number); public. */
  source: string;
  note?: string | null;
}

/** Everything a unit's scorecard is computed from. */
export interface UnitInputs {
  unitId: string;
  carrier: Carrier;
  /** Portal rates by source. */
  ratios: Partial<Record<RatioSource, Ratio>>;
  /** The evaluators' marks by indicator or bonus-item key. */
  marks: Readonly<Record<string, Mark>>;
  vetoEvents: readonly VetoEvent[];
}

export interface IndicatorResult {
  key: string;
  name: string;
  group: 'common' | 'individual';
  max: number;
  /** Points after deductions, or null when not scored yet. */
  points: number | null;
  status: IndicatorStatus;
  measured: Measured | null;
  rule: RuleApplied;
  deductions: DeductionResult[];
  /** The evaluators' note, if any. */
  note: string | null;
  evidence: Evidence[];
  evidenceSource: string | null;
}

export interface AppliedVeto {
  key: string;
  name: string;
  /** From a recorded event, or derived from an indicator (count below minimum). */
  origin: 'event' | 'indicator';
  occurredOn: string | null;
  source: string;
  note: string | null;
}

export interface Scorecard {
  unitId: string;
  carrier: Carrier;
  year: number;
  /** Vetoes come first on every scorecard. */
  vetoes: AppliedVeto[];
  indicators: IndicatorResult[];
  bonus: {
    items: { key: string; name: string; points: number; note: string | null }[];
    awarded: number;
    counted: number;
    cap: number;
  };
  /** Sum of indicator points (unscored ones count 0). */
  subtotal: number;
  /** subtotal + counted bonus, capped at the standard's total. */
  total: number;
  max: number;
  /** Every indicator scored (by rule or by the evaluators' mark). */
  complete: boolean;
  /** Keys of indicators whose rate had too small a sample (insufficient sample), marked or not. */
  insufficient: string[];
  /**
   * The measured satisfaction rate, when it had a sufficient sample (for model and the pass line): `x` of `n`
   * (the exact fraction the grade is decided on) and `rate` = x / n for display.
   */
  satisfaction: { rate: number; x: number; n: number } | null;
  grade: Grade;
  /** Why this grade: a message key. */
  gradeReason: string;
  /**
   * Why the unit is left out of rankings, or null when it may be ranked: a veto, a missing mark, or a
   * satisfaction sample under the minimum (DOMAIN.md §5.3: never rank a small sample). Other rates with a
   * small sample are scored by the evaluators' mark like any on-site indicator.
   */
  unranked: 'veto' | 'incomplete' | 'insufficientSample' | null;
}

const inWindow = (date: string, w: { from: string; to: string }) => date >= w.from && date <= w.to;

/**
 * The scorecard of one unit for one year (DOMAIN.md §4.3 "Aggregation"): each indicator by its measure,
 * deductions floored at 0 per indicator, bonus capped, total capped; any veto in the look-back window → fail;
 * otherwise model (score and measured satisfaction), pass, fail, or pending while marks are missing.
 */
export function scoreUnit(standard: Standard, input: UnitInputs): Scorecard {
  const vetoes: AppliedVeto[] = [];
  const window = lookBackWindow(standard);
  const applicable = vetoItemsFor(standard, input.carrier);
  for (const e of [...input.vetoEvents].sort(
    (a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.key.localeCompare(b.key),
  )) {
    const item = applicable.find((v) => v.key === e.key);
    if (item && inWindow(e.occurredOn, window)) {
      vetoes.push({
        key: item.key,
        name: item.name,
        origin: 'event',
        occurredOn: e.occurredOn,
        source: e.source,
        note: e.note ?? null,
      });
    }
  }

  const indicators: IndicatorResult[] = [];
  let subtotalCents = 0;
  for (const { group, indicator } of indicatorsFor(standard, input.carrier)) {
    const mark = input.marks[indicator.key];
    const base = scoreMeasure(indicator, mark, input.ratios);
    const deductions = base.baseCents === null ? [] : resolveDeductions(indicator, mark);
    const cents =
      base.baseCents === null ? null : Math.max(0, base.baseCents - deductions.reduce((s, d) => s + d.cents, 0));
    if (cents !== null) subtotalCents += cents;
    if (base.triggersVeto) {
      const item = standard.negativeList.items.find((v) => v.key === base.triggersVeto);
      if (item)
        vetoes.push({
          key: item.key,
          name: item.name,
          origin: 'indicator',
          occurredOn: null,
          source: indicator.key,
          note: null,
        });
    }
    const source =
      indicator.measure.kind === 'ratio' || indicator.measure.kind === 'bands' ? indicator.measure.source : null;
    indicators.push({
      key: indicator.key,
      name: indicator.name,
      group,
      max: indicator.points,
      points: cents === null ? null : fromCents(cents),
      status: base.status,
      measured: base.measured,
      rule: base.rule,
      deductions,
      note: mark?.note ?? null,
      evidence: source ? (input.ratios[source]?.evidence ?? []) : [],
      evidenceSource: indicator.evidence ?? null,
    });
  }

  const bonusItems = standard.positiveList.items.flatMap((b) => {
    const m = input.marks[b.key];
    return m && m.value !== false ? [{ key: b.key, name: b.name, points: b.points, note: m.note ?? null }] : [];
  });
  const awardedCents = bonusItems.reduce((s, b) => s + toCents(b.points), 0);
  const countedCents = Math.min(awardedCents, toCents(standard.positiveList.cap));
  const maxCents = toCents(standard.totalPoints);
  const totalCents = Math.min(maxCents, subtotalCents + countedCents);

  const complete = indicators.every((i) => i.points !== null);
  const insufficient = indicators
    .filter((i) => i.status === 'insufficientSample' || i.status === 'insufficientSampleMarked')
    .map((i) => i.key);
  const sat = input.ratios.satisfaction;
  const satisfactionMeasured = indicators.some((i) => i.measured?.source === 'satisfaction' && i.status === 'scored');
  const satisfaction =
    sat && sat.denominator > 0 && satisfactionMeasured
      ? { rate: sat.numerator / sat.denominator, x: sat.numerator, n: sat.denominator }
      : null;

  const satisfactionSmall = indicators.some((i) => i.measured?.source === 'satisfaction' && i.status !== 'scored');
  const unranked =
    vetoes.length > 0 ? 'veto' : !complete ? 'incomplete' : satisfactionSmall ? 'insufficientSample' : null;
  const { grade, reason } = gradeOf(standard, { vetoed: vetoes.length > 0, complete, totalCents, satisfaction });
  return {
    unitId: input.unitId,
    carrier: input.carrier,
    year: standard.year,
    vetoes,
    indicators,
    bonus: {
      items: bonusItems,
      awarded: fromCents(awardedCents),
      counted: fromCents(countedCents),
      cap: standard.positiveList.cap,
    },
    subtotal: fromCents(subtotalCents),
    total: fromCents(totalCents),
    max: standard.totalPoints,
    complete,
    insufficient,
    satisfaction,
    grade,
    gradeReason: reason,
    unranked,
  };
}

/**
 * The grade rule alone (DOMAIN.md §4.3): veto first, then completeness, then a measured satisfaction rate below the
 * pass line's minimum (fail whatever the points, §4.3 C6), then the thresholds. Rates are compared as exact
 * fractions.
 */
export function gradeOf(
  standard: Standard,
  s: { vetoed: boolean; complete: boolean; totalCents: number; satisfaction: { x: number; n: number } | null },
): { grade: Grade; reason: string } {
  const g = standard.grading;
  if (s.vetoed) return { grade: 'fail', reason: 'scoring.gradeReason.veto' };
  if (!s.complete) return { grade: 'pending', reason: 'scoring.gradeReason.incomplete' };
  const passSatisfaction = g.pass.minSatisfaction;
  if (
    s.satisfaction &&
    passSatisfaction !== undefined &&
    !reaches(s.satisfaction.x, s.satisfaction.n, passSatisfaction)
  )
    return { grade: 'fail', reason: 'scoring.gradeReason.belowSatisfaction' };
  if (s.totalCents >= toCents(g.model.minScore)) {
    if (s.satisfaction && reaches(s.satisfaction.x, s.satisfaction.n, g.model.minSatisfaction))
      return { grade: 'model', reason: 'scoring.gradeReason.model' };
    if (s.totalCents >= toCents(g.pass.minScore))
      return {
        grade: 'pass',
        reason: s.satisfaction ? 'scoring.gradeReason.passSatisfaction' : 'scoring.gradeReason.passNoSatisfaction',
      };
  }
  if (s.totalCents >= toCents(g.pass.minScore)) return { grade: 'pass', reason: 'scoring.gradeReason.pass' };
  return { grade: 'fail', reason: 'scoring.gradeReason.belowPass' };
}
