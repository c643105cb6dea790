import { z } from 'zod';
import { carriers, type Carrier } from '../units/schema.ts';

/**
 * The yearly Qinglian standard (GLOSSARY: standard) as data: `content/standards/<year>.yaml`. This schema is its
 * documentation for the people who write it; the interpreter (interpret.ts) only reads it. Sources: DOMAIN.md §4.1
 * (conventions: 100 points + capped bonus, pass line 90, 2-year veto look-back) and §4.3 (the 41 indicators).
 */

/**
 * Where a rate measured by the portal comes from: the database (`portalRatios` in src/services/scoring.ts over
 * src/db/scoring-inputs-repo.ts) or content (src/domain/scoring/content-facts.ts).
 */
export const ratioSources = ['satisfaction', 'replyOnTime', 'disclosureOnTime', 'decisionCompliance'] as const;
export type RatioSource = (typeof ratioSources)[number];

export const standardStatuses = ['adopted', 'draft'] as const;

/** Indicator ids as in DOMAIN.md §4.3: `C1`, `J3`, `S2` … (they appear in URLs and CSV headers). */
export const IndicatorKey = z.string().regex(/^[A-Z][A-Z0-9]{0,7}$/, 'scoring.key.invalid');
/** Keys of deduction, veto and bonus items: camelCase ASCII. */
export const ItemKey = z.string().regex(/^[a-z][a-zA-Z0-9]{0,47}$/, 'scoring.key.invalid');
const Name = z.string().trim().min(2).max(120);
/** Points are given in halves at most (a score of 5.5 is fine, 5.25 is not). */
const Points = z
  .number()
  .positive()
  .max(100)
  .refine((p) => Number.isInteger(p * 2), 'scoring.points.halves');

export const DEFAULT_LOOK_BACK_YEARS = 2;
export const DEFAULT_BONUS_CAP = 5;
/** Days after a sign-off within which the unit may appeal, when a standard does not say. */
export const DEFAULT_APPEAL_DAYS = 10;
export const DEFAULT_MIN_SAMPLE = 30;

/** One itemised deduction an evaluator may apply (DOMAIN.md §4.3, e.g. −2 per missing document). */
export const Deduction = z.strictObject({
  key: ItemKey,
  /** What is missing or wrong, as the evaluator's form and the scorecard show it. */
  label: Name,
  /** Points taken off per occurrence. */
  points: Points,
});
export type Deduction = z.infer<typeof Deduction>;

/** A band of a banded rate: a rate ≥ `min` earns `share` of the indicator's points. */
export const Band = z.strictObject({
  min: z.number().min(0).max(1),
  share: z.number().min(0).max(1),
});
export type Band = z.infer<typeof Band>;

/** One counted item of a count measure with several items. */
export const CountItem = z.strictObject({
  key: ItemKey,
  /** What is counted, as the scorecard and the evaluator form name it (e.g. warning-education sessions). */
  label: Name,
  minimum: z.number().int().min(1),
});
export type CountItem = z.infer<typeof CountItem>;

const rateFields = {
  /** Which portal rate is measured. */
  source: z.enum(ratioSources),
  /**
   * Below this many observations the rate is not scored: the indicator shows insufficient sample and waits for the
   * evaluator's mark (DOMAIN.md §5.3; 30 for satisfaction).
   */
  minSample: z.number().int().min(1).default(DEFAULT_MIN_SAMPLE),
};

/**
 * How an indicator is measured. A new kind is one new member here and one new case in interpret.ts —
 * never a branch on an indicator key.
 */
export const Measure = z.discriminatedUnion('kind', [
  /** The evaluators' on-site mark: full points minus the itemised deductions they record. */
  z.strictObject({ kind: z.literal('mark') }),
  /** A yes/no finding by the evaluators: full points or none. */
  z.strictObject({ kind: z.literal('boolean') }),
  /**
   * A count against a minimum a year (e.g. warning education ≥ 2): full points at or above it, none below. Either
   * one `minimum`, or several `items` each with its own minimum (lectures ≥ 1 and warning-education sessions ≥ 2):
   * full points only when every item reaches its minimum, and the scorecard names the items that fell short.
   */
  z.strictObject({
    kind: z.literal('count'),
    minimum: z.number().int().min(1).optional(),
    items: z.array(CountItem).min(2).max(10).optional(),
    /** A negative-list item that a count below the minimum (of any item) triggers (C3: below target = veto). */
    shortfallVeto: ItemKey.optional(),
  }),
  /** A portal rate scored proportionally: points × rate. */
  z.strictObject({ kind: z.literal('ratio'), ...rateFields }),
  /** A portal rate in bands: the first band (highest `min` first) the rate reaches gives its share of the points. */
  z.strictObject({ kind: z.literal('bands'), ...rateFields, bands: z.array(Band).min(1).max(10) }),
]);
export type Measure = z.infer<typeof Measure>;

export const Indicator = z.strictObject({
  /** Stable id, e.g. `C4`. */
  key: IndicatorKey,
  /** The indicator as published. */
  name: Name,
  /** Maximum points. */
  points: Points,
  measure: Measure,
  /** Deductions the evaluators may apply on top of the measure (each floors the indicator at 0). */
  deductions: z.array(Deduction).max(20).default([]),
  /** Where the evidence comes from (shown on the scorecard and the evaluator form). */
  evidence: z.string().trim().max(200).optional(),
  /**
   * True when the indicator is the project's reconstruction, not named by a source (DOMAIN.md §4.3 [R]); the
   * standard's page marks it [R].
   */
  reconstructed: z.boolean().default(false),
});
export type Indicator = z.infer<typeof Indicator>;

/** A negative-list (veto) item. */
export const VetoItem = z.strictObject({
  key: ItemKey,
  name: Name,
  /** The carriers it applies to; `all` for every unit. */
  carriers: z.union([z.literal('all'), z.array(z.enum(carriers)).min(1)]).default('all'),
});
export type VetoItem = z.infer<typeof VetoItem>;

/** A positive-list (bonus) item. */
export const BonusItem = z.strictObject({
  key: ItemKey,
  name: Name,
  points: Points,
});
export type BonusItem = z.infer<typeof BonusItem>;

export const Grading = z.strictObject({
  /** model: score and measured satisfaction rate (default ≥ 95 and ≥ 95 %). */
  model: z
    .strictObject({ minScore: z.number().min(0).default(95), minSatisfaction: z.number().min(0).max(1).default(0.95) })
    .default({ minScore: 95, minSatisfaction: 0.95 }),
  /**
   * pass (default ≥ 90). Below: fail. Any veto: fail whatever the score. `minSatisfaction` (the programme's common
   * standard: public satisfaction with clean-government work ≥ 90 %, DOMAIN.md §4.3 C6): a measured satisfaction rate below it fails the pass
   * line whatever the points; compared on the exact fraction.
   */
  pass: z
    .strictObject({ minScore: z.number().min(0).default(90), minSatisfaction: z.number().min(0).max(1).optional() })
    .default({ minScore: 90 }),
});
export type Grading = z.infer<typeof Grading>;

const StandardShape = z.strictObject({
  /** The assessment year. */
  year: z.number().int().min(2000).max(2100),
  /** `draft` is published for consultation (consultation); only `adopted` standards produce scorecards. */
  status: z.enum(standardStatuses).default('adopted'),
  /** Title as published. */
  title: Name,
  /** Every unit's maximum before bonus: common + its carrier's individual indicators must add up to this. */
  totalPoints: Points.default(100),
  /** The carriers this standard assesses. */
  carriers: z.array(z.enum(carriers)).min(1),
  /** common indicators: scored for every unit. */
  common: z.array(Indicator).max(30),
  /** carrier indicators per carrier. */
  individual: z.record(z.string(), z.array(Indicator).min(1).max(30)),
  /** negative list: any matching event inside the look-back window makes the unit fail. */
  negativeList: z.strictObject({
    lookBackYears: z.number().int().min(1).max(10).default(DEFAULT_LOOK_BACK_YEARS),
    items: z.array(VetoItem).max(50),
  }),
  /** positive list: bonus points, capped; the total is capped at `totalPoints`. */
  positiveList: z
    .strictObject({
      cap: z.number().min(0).max(20).default(DEFAULT_BONUS_CAP),
      items: z.array(BonusItem).max(30).default([]),
    })
    .default({ cap: DEFAULT_BONUS_CAP, items: [] }),
  grading: Grading.default({ model: { minScore: 95, minSatisfaction: 0.95 }, pass: { minScore: 90 } }),
  /** Appeals: calendar days after the evaluation team's sign-off within which the unit may lodge one. */
  appeal: z
    .strictObject({ days: z.number().int().min(1).max(60).default(DEFAULT_APPEAL_DAYS) })
    .default({ days: DEFAULT_APPEAL_DAYS }),
});

const cents = (x: number) => Math.round(x * 100);

/**
 * The standard with its consistency rules: points that add up for every carrier, only declared carriers,
 * keys unique across the whole standard, deductions that fit their indicator, bands in order, veto
 * references that exist. Every issue names its path and a message key with values.
 */
export const Standard = StandardShape.superRefine((s, ctx) => {
  const declared = new Set<string>(s.carriers);
  const issue = (path: (string | number)[], message: string, params?: Record<string, string | number>) =>
    ctx.addIssue({ code: 'custom', path, message, ...(params ? { params } : {}) });

  for (const c of Object.keys(s.individual)) {
    if (!declared.has(c))
      issue(['individual', c], 'scoring.standard.unknownCarrier', { carrier: c, declared: s.carriers.join(', ') });
  }
  for (const [i, c] of s.carriers.entries()) {
    if (s.carriers.indexOf(c) !== i) issue(['carriers', i], 'scoring.standard.duplicateCarrier', { carrier: c });
    if (!s.individual[c]) issue(['individual'], 'scoring.standard.missingCarrier', { carrier: c });
  }

  const seen = new Map<string, string>();
  const claim = (key: string, path: (string | number)[]) => {
    const where = path.join('.');
    const first = seen.get(key);
    if (first) issue(path, 'scoring.standard.duplicateKey', { key, first });
    else seen.set(key, where);
  };
  const checkIndicator = (ind: Indicator, path: (string | number)[]) => {
    claim(ind.key, [...path, 'key']);
    const deductionKeys = new Set<string>();
    for (const [j, d] of ind.deductions.entries()) {
      if (deductionKeys.has(d.key))
        issue([...path, 'deductions', j, 'key'], 'scoring.standard.duplicateKey', {
          key: d.key,
          first: [...path, 'deductions'].join('.'),
        });
      deductionKeys.add(d.key);
      if (d.points > ind.points)
        issue([...path, 'deductions', j, 'points'], 'scoring.standard.deductionTooLarge', {
          points: d.points,
          max: ind.points,
        });
    }
    const m = ind.measure;
    if (m.kind === 'bands') {
      for (let j = 1; j < m.bands.length; j++) {
        if (m.bands[j]!.min >= m.bands[j - 1]!.min)
          issue([...path, 'measure', 'bands', j, 'min'], 'scoring.standard.bandsOrder');
      }
    }
    if (m.kind === 'count' && (m.minimum === undefined) === (m.items === undefined))
      issue([...path, 'measure'], 'scoring.standard.countMinimum');
    if (m.kind === 'count' && m.items) {
      const itemKeys = new Set<string>();
      for (const [j, item] of m.items.entries()) {
        if (itemKeys.has(item.key))
          issue([...path, 'measure', 'items', j, 'key'], 'scoring.standard.duplicateKey', {
            key: item.key,
            first: [...path, 'measure', 'items'].join('.'),
          });
        itemKeys.add(item.key);
      }
    }
    if (m.kind === 'count' && m.shortfallVeto && !s.negativeList.items.some((v) => v.key === m.shortfallVeto)) {
      issue([...path, 'measure', 'shortfallVeto'], 'scoring.standard.unknownVeto', { key: m.shortfallVeto });
    }
  };
  s.common.forEach((ind, i) => checkIndicator(ind, ['common', i]));
  for (const [c, list] of Object.entries(s.individual))
    list.forEach((ind, i) => checkIndicator(ind, ['individual', c, i]));
  s.negativeList.items.forEach((v, i) => {
    claim(v.key, ['negativeList', 'items', i, 'key']);
    if (v.carriers !== 'all') {
      for (const [j, c] of v.carriers.entries())
        if (!declared.has(c))
          issue(['negativeList', 'items', i, 'carriers', j], 'scoring.standard.unknownCarrier', {
            carrier: c,
            declared: s.carriers.join(', '),
          });
    }
  });
  s.positiveList.items.forEach((b, i) => claim(b.key, ['positiveList', 'items', i, 'key']));

  const common = s.common.reduce((sum, ind) => sum + cents(ind.points), 0);
  for (const c of s.carriers) {
    const list = s.individual[c];
    if (!list) continue;
    const individual = list.reduce((sum, ind) => sum + cents(ind.points), 0);
    if (common + individual !== cents(s.totalPoints)) {
      issue(['individual', c], 'scoring.standard.pointsMismatch', {
        carrier: c,
        common: common / 100,
        individual: individual / 100,
        sum: (common + individual) / 100,
        total: s.totalPoints,
      });
    }
  }
  const passSatisfaction = s.grading.pass.minSatisfaction;
  if (passSatisfaction !== undefined && passSatisfaction > s.grading.model.minSatisfaction)
    issue(['grading', 'pass', 'minSatisfaction'], 'scoring.standard.gradingOrder');
  if (s.grading.pass.minScore > s.grading.model.minScore)
    issue(['grading', 'pass', 'minScore'], 'scoring.standard.gradingOrder');
  if (s.grading.model.minScore > s.totalPoints)
    issue(['grading', 'model', 'minScore'], 'scoring.standard.gradingAboveTotal', { total: s.totalPoints });
});
export type Standard = z.infer<typeof Standard>;

/** The indicators a unit of a carrier is scored on, common ones first. */
export function indicatorsFor(
  s: Standard,
  carrier: Carrier,
): { group: 'common' | 'individual'; indicator: Indicator }[] {
  return [
    ...s.common.map((indicator) => ({ group: 'common' as const, indicator })),
    ...(s.individual[carrier] ?? []).map((indicator) => ({ group: 'individual' as const, indicator })),
  ];
}

/** Every indicator of the standard once (common, then each carrier's), for overviews and consultation. */
export function allIndicators(s: Standard): { carrier: Carrier | null; indicator: Indicator }[] {
  return [
    ...s.common.map((indicator) => ({ carrier: null, indicator })),
    ...s.carriers.flatMap((c) => (s.individual[c] ?? []).map((indicator) => ({ carrier: c, indicator }))),
  ];
}

/** The negative-list items that apply to a carrier. */
export const vetoItemsFor = (s: Standard, carrier: Carrier): VetoItem[] =>
  s.negativeList.items.filter((v) => v.carriers === 'all' || v.carriers.includes(carrier));

/** The first and last day (inclusive) of the veto look-back window for an assessment year. */
export function lookBackWindow(s: Standard): { from: string; to: string } {
  return { from: `${s.year - s.negativeList.lookBackYears + 1}-01-01`, to: `${s.year}-12-31` };
}
