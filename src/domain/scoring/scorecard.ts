import type { Carrier } from '../units/schema.ts';
import {
  indicatorsFor,
  lookBackWindow,
  vetoItemsFor,
  type Indicator,
  type RatioSource,
  type Standard,
  type VetoItem,
} from './standard.ts';
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

/** What a carrier's scorecards share within one standard, worked out once (a year scores thousands of units). */
interface CarrierPlan {
  window: { from: string; to: string };
  /** The negative-list items that apply to the carrier, by key. */
  vetoItems: ReadonlyMap<string, VetoItem>;
  indicators: readonly PlannedIndicator[];
}

interface PlannedIndicator {
  group: 'common' | 'individual';
  indicator: Indicator;
  /** The rate an indicator measures (ratio, bands), else null. */
  source: RatioSource | null;
  /**
   * For an indicator scored from the evaluators' mark alone (source null): its result per shared mark, and without
   * a mark (`unmarked`), worked out once and shared (frozen) by every scorecard with that mark.
   */
  byMark: WeakMap<Mark, MarkedResult>;
  unmarked?: MarkedResult;
}

/** What a scorecard takes from one indicator scored from a mark alone. */
interface MarkedResult {
  result: IndicatorResult;
  /** Hundredths of a point after deductions, or null when not scored. */
  cents: number | null;
  triggersVeto: string | undefined;
}

/**
 * Marks that several scorecards may share (the year's marks as the repository reads them: one object per distinct
 * mark): frozen to the last nested value, so that what is derived from one can be shared too.
 */
const sharedMarks = new WeakSet<Mark>();

/** Freeze a mark to the last nested value and let scorecards share what they derive from it. */
export function shareMark(mark: Mark): Mark {
  sharedMarks.add(deepFreeze(mark));
  return mark;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const plans = new WeakMap<Standard, Map<Carrier, CarrierPlan>>();
/** The first item of each key (as `find` would give). */
const byKey = <T extends { key: string }>(items: readonly T[]) => {
  const out = new Map<string, T>();
  for (const i of items) if (!out.has(i.key)) out.set(i.key, i);
  return out;
};
const negativeItems = new WeakMap<Standard, ReadonlyMap<string, VetoItem>>();

function planOf(standard: Standard, carrier: Carrier): CarrierPlan {
  let mine = plans.get(standard);
  if (!mine) plans.set(standard, (mine = new Map<Carrier, CarrierPlan>()));
  let plan = mine.get(carrier);
  if (!plan) {
    plan = {
      window: lookBackWindow(standard),
      vetoItems: byKey(vetoItemsFor(standard, carrier)),
      indicators: indicatorsFor(standard, carrier).map(({ group, indicator }) => ({
        group,
        indicator,
        source:
          indicator.measure.kind === 'ratio' || indicator.measure.kind === 'bands' ? indicator.measure.source : null,
        byMark: new WeakMap<Mark, MarkedResult>(),
      })),
    };
    mine.set(carrier, plan);
  }
  return plan;
}

function negativeItemOf(standard: Standard, key: string): VetoItem | undefined {
  let items = negativeItems.get(standard);
  if (!items) negativeItems.set(standard, (items = byKey(standard.negativeList.items)));
  return items.get(key);
}

const NO_EVIDENCE: readonly Evidence[] = Object.freeze([]);
const NO_RATIOS: UnitInputs['ratios'] = Object.freeze({});

function markedResult(planned: PlannedIndicator, mark: Mark | undefined): MarkedResult {
  let memo = mark === undefined ? planned.unmarked : planned.byMark.get(mark);
  if (!memo) {
    memo = indicatorResult(planned, mark, NO_RATIOS);
    deepFreeze(memo.result);
    if (mark === undefined) planned.unmarked = memo;
    else planned.byMark.set(mark, memo);
  }
  return memo;
}

/** One indicator's line of a scorecard, with its points in hundredths and the veto it triggers. */
function indicatorResult(
  { group, indicator, source }: PlannedIndicator,
  mark: Mark | undefined,
  ratios: UnitInputs['ratios'],
): MarkedResult {
  const base = scoreMeasure(indicator, mark, ratios);
  let cents: number | null = null;
  let deductions: DeductionResult[] = [];
  if (base.baseCents !== null) {
    deductions = resolveDeductions(indicator, mark);
    let taken = 0;
    for (const d of deductions) taken += d.cents;
    cents = Math.max(0, base.baseCents - taken);
  }
  const result: IndicatorResult = {
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
    // A fresh array per scorecard where there is evidence; the shared empty one is frozen.
    evidence: source ? (ratios[source]?.evidence ?? []) : (NO_EVIDENCE as Evidence[]),
    evidenceSource: indicator.evidence ?? null,
  };
  return { result, cents, triggersVeto: base.triggersVeto };
}

/**
 * The scorecard of one unit for one year (DOMAIN.md §4.3 "Aggregation"): each indicator by its measure,
 * deductions floored at 0 per indicator, bonus capped, total capped; any veto in the look-back window → fail;
 * otherwise model (score and measured satisfaction), pass, fail, or pending while marks are missing.
 * What depends on the standard and carrier only (indicator list, veto items, rules) is worked out once per
 * standard and carrier; standards are not changed once parsed.
 */
export function scoreUnit(standard: Standard, input: UnitInputs): Scorecard {
  const plan = planOf(standard, input.carrier);
  const vetoes: AppliedVeto[] = [];
  const events =
    input.vetoEvents.length > 1
      ? input.vetoEvents.toSorted((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.key.localeCompare(b.key))
      : input.vetoEvents;
  for (const e of events) {
    const item = plan.vetoItems.get(e.key);
    if (item && inWindow(e.occurredOn, plan.window)) {
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
  const insufficient: string[] = [];
  let subtotalCents = 0;
  let complete = true;
  let satisfactionMeasured = false;
  let satisfactionSmall = false;
  for (const planned of plan.indicators) {
    const { indicator, source } = planned;
    const mark = input.marks[indicator.key];
    // Scored from a shared mark (or no mark) alone: the same result as every other scorecard with that mark.
    const memo =
      source === null && (mark === undefined || sharedMarks.has(mark)) ? markedResult(planned, mark) : undefined;
    const { result, cents, triggersVeto } = memo ?? indicatorResult(planned, mark, input.ratios);
    if (cents !== null) subtotalCents += cents;
    else complete = false;
    if (triggersVeto) {
      const item = negativeItemOf(standard, triggersVeto);
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
    if (result.status === 'insufficientSample' || result.status === 'insufficientSampleMarked')
      insufficient.push(indicator.key);
    if (source === 'satisfaction') {
      if (result.status === 'scored') satisfactionMeasured = true;
      else satisfactionSmall = true;
    }
    indicators.push(result);
  }

  const bonusItems: Scorecard['bonus']['items'] = [];
  let awardedCents = 0;
  for (const b of standard.positiveList.items) {
    const m = input.marks[b.key];
    if (m && m.value !== false) {
      bonusItems.push({ key: b.key, name: b.name, points: b.points, note: m.note ?? null });
      awardedCents += toCents(b.points);
    }
  }
  const countedCents = Math.min(awardedCents, toCents(standard.positiveList.cap));
  const maxCents = toCents(standard.totalPoints);
  const totalCents = Math.min(maxCents, subtotalCents + countedCents);

  const sat = input.ratios.satisfaction;
  const satisfaction =
    sat && sat.denominator > 0 && satisfactionMeasured
      ? { rate: sat.numerator / sat.denominator, x: sat.numerator, n: sat.denominator }
      : null;

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
