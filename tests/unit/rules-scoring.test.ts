import { describe, expect, test } from 'vitest';
import { Standard } from '../../src/domain/scoring/standard.ts';
import { reaches, scoreMeasure } from '../../src/domain/scoring/interpret.ts';
import { gradeOf, scoreUnit, type UnitInputs } from '../../src/domain/scoring/scorecard.ts';
import { rankScorecards } from '../../src/domain/scoring/ranking.ts';
import { rankUnits, satisfaction } from '../../src/domain/surveys/results.ts';
import { formatPercent, formatPercentAgainst, percentHundredths } from '../../src/i18n/format.ts';

/**
 * Issue 14, satisfaction and scoring: every rule at its boundary, each test titled with its source.
 */

const standard = (pass: Record<string, number> = { minScore: 90, minSatisfaction: 0.9 }) =>
  Standard.parse({
    year: 2026,
    title: 'issue 14 standard',
    carriers: ['school'],
    grading: { model: { minScore: 95, minSatisfaction: 0.95 }, pass },
    common: [
      {
        key: 'C3',
        name: 'education',
        points: 10,
        measure: {
          kind: 'count',
          items: [
            { key: 'lectures', label: '廉政党课', minimum: 1 },
            { key: 'warningSessions', label: '警示教育', minimum: 2 },
          ],
          shortfallVeto: 'educationShortfall',
        },
      },
      {
        key: 'C6',
        name: 'satisfaction',
        points: 10,
        measure: {
          kind: 'bands',
          source: 'satisfaction',
          minSample: 30,
          bands: [
            { min: 0.95, share: 1 },
            { min: 0.9, share: 0.75 },
          ],
        },
      },
    ],
    individual: { school: [{ key: 'S1', name: 'finding', points: 80, measure: { kind: 'boolean' } }] },
    negativeList: { items: [{ key: 'educationShortfall', name: 'education shortfall' }] },
  });
const S = standard();
const c3 = S.common[0]!;

describe('percentages: two decimals, half away from zero on exact arithmetic (issue 14; DOMAIN.md §5.5 "to 2 decimals")', () => {
  test.each([
    ['89.995 % rounds up to 90.00 %', 89_995, 100_000, '90.00%'],
    ['89.994 % stays 89.99 %', 89_994, 100_000, '89.99%'],
    ['exactly 90 %', 9, 10, '90.00%'],
    ['1/3', 1, 3, '33.33%'],
    ['2/3', 2, 3, '66.67%'],
    ['1/8 = 12.5 %', 1, 8, '12.50%'],
    ['0.005 % (half a hundredth) rounds away from zero', 1, 20_000, '0.01%'],
    ['−0.125 % rounds away from zero to −0.13 %', -1, 800, '−0.13%'],
    ['0 of 5', 0, 5, '0.00%'],
    ['all of them', 7, 7, '100.00%'],
  ])('DOMAIN.md §5.5: %s', (_l, x, n, text) => {
    expect(formatPercent({ numerator: x, denominator: n })).toBe(text);
  });

  test('DOMAIN.md §5.5: exact hundredths, no binary noise (1.005 % is 1.01 %, where toFixed gives 1.00)', () => {
    expect(percentHundredths(201, 20_000)).toBe(101);
    expect(formatPercent(0.01005)).toBe('1.01%');
    expect(formatPercent(0.89995)).toBe('90.00%');
    expect(() => percentHundredths(1, 0)).toThrow(RangeError);
  });

  test.each([
    ['89.995 % displays 90.00 % and is marked below', 89_995, 100_000, true, '90.00%（实际低于 90.00%）'],
    ['exactly 90 % is not below', 9, 10, false, '90.00%'],
    ['85 % is below and shows as 85.00 % (no rounding to hide)', 85, 100, true, '85.00%'],
    ['95 % is not below', 95, 100, false, '95.00%'],
  ])('DOMAIN.md §4.3 C6 (≥ 90 %): %s', (_l, x, n, below, text) => {
    expect(formatPercentAgainst({ numerator: x, denominator: n }, 0.9)).toEqual({ text, below });
  });
});

describe('satisfaction below 90 % fails the pass line whatever the points (DOMAIN.md §4.3 C6; §9 "Satisfaction threshold ≥90%")', () => {
  const grade = (x: number, n: number, totalCents = 10_000, s = S) =>
    gradeOf(s, { vetoed: false, complete: true, totalCents, satisfaction: { x, n } });

  test.each([
    ['89.995 % with 100 points → 不达标', 89_995, 100_000, 10_000, 'fail', 'scoring.gradeReason.belowSatisfaction'],
    ['89.999 % with 100 points → 不达标', 89_999, 100_000, 10_000, 'fail', 'scoring.gradeReason.belowSatisfaction'],
    ['exactly 90 % with 100 points → 达标', 9, 10, 10_000, 'pass', 'scoring.gradeReason.passSatisfaction'],
    ['exactly 90 % with 90 points → 达标', 9, 10, 9_000, 'pass', 'scoring.gradeReason.pass'],
    ['exactly 95 % with 95 points → 示范', 19, 20, 9_500, 'model', 'scoring.gradeReason.model'],
    [
      '94.999 % with 100 points → 达标, not 示范',
      94_999,
      100_000,
      10_000,
      'pass',
      'scoring.gradeReason.passSatisfaction',
    ],
    ['100 % with 89.99 points → 不达标 (points still count)', 1, 1, 8_999, 'fail', 'scoring.gradeReason.belowPass'],
  ])('DOMAIN.md §4.3: %s', (_l, x, n, total, g, reason) => {
    expect(grade(x, n, total)).toEqual({ grade: g, reason });
  });

  test('DOMAIN.md §4.3: without a measured rate (small sample) the pass line is the points alone; a veto still comes first', () => {
    expect(gradeOf(S, { vetoed: false, complete: true, totalCents: 9_000, satisfaction: null }).grade).toBe('pass');
    expect(gradeOf(S, { vetoed: true, complete: true, totalCents: 10_000, satisfaction: { x: 1, n: 2 } }).reason).toBe(
      'scoring.gradeReason.veto',
    );
  });

  test('DOMAIN.md §4.3: a standard without pass.minSatisfaction (2025) keeps the points-only pass line', () => {
    expect(grade(1, 2, 10_000, standard({ minScore: 90 })).grade).toBe('pass');
  });

  test('DOMAIN.md §4.3: pass.minSatisfaction above the model minimum is refused as data', () => {
    const r = Standard.safeParse({
      ...S,
      grading: { model: S.grading.model, pass: { minScore: 90, minSatisfaction: 0.96 } },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toContain('scoring.standard.gradingOrder');
  });

  test('DOMAIN.md §4.3: a whole scorecard at 89.995 % satisfaction (n = 200,000) fails although every point is there', () => {
    const input: UnitInputs = {
      unitId: 'u',
      carrier: 'school',
      ratios: { satisfaction: { numerator: 179_990, denominator: 200_000 } },
      marks: { C3: { value: { lectures: 1, warningSessions: 2 } }, C6: {}, S1: { value: true } },
      vetoEvents: [],
    };
    const card = scoreUnit(S, input);
    expect(card.satisfaction).toEqual({ rate: 0.89995, x: 179_990, n: 200_000 });
    expect(card.indicators.find((i) => i.key === 'C6')!.points).toBe(0);
    expect([card.grade, card.gradeReason]).toEqual(['fail', 'scoring.gradeReason.belowSatisfaction']);
  });

  test.each([
    ['19/20 reaches 95 %', 19, 20, 0.95, true],
    ['8,999,999/10,000,000 does not reach 90 %', 8_999_999, 10_000_000, 0.9, false],
    ['9/10 reaches 90 %', 9, 10, 0.9, true],
  ])('DOMAIN.md §5.1 (share-based rate, exact): %s', (_l, x, n, min, ok) => {
    expect(reaches(x, n, min)).toBe(ok);
  });
});

describe('a count measure with several items, each with its own minimum (DOMAIN.md §4.3 C3: ≥ 2 警示教育 + 1 廉政党课)', () => {
  test.each([
    ['both at their minimum → full points', { lectures: 1, warningSessions: 2 }, 1000, [], undefined],
    [
      'warning education 1 of 2 → 0 points, names 警示教育, veto',
      { lectures: 3, warningSessions: 1 },
      0,
      ['警示教育'],
      'educationShortfall',
    ],
    [
      'no lecture → 0 points, names 廉政党课',
      { lectures: 0, warningSessions: 5 },
      0,
      ['廉政党课'],
      'educationShortfall',
    ],
    ['both short → names both', { lectures: 0, warningSessions: 0 }, 0, ['廉政党课', '警示教育'], 'educationShortfall'],
  ])('DOMAIN.md §4.3 C3: %s', (_l, value, cents, short, veto) => {
    const r = scoreMeasure(c3, { value }, {});
    expect(r.baseCents).toBe(cents);
    expect(r.measured?.items?.filter((i) => !i.met).map((i) => i.label)).toEqual(short);
    expect(r.triggersVeto).toBe(veto);
  });

  test('DOMAIN.md §4.3 C3: a missing item is not marked yet (pending), never 0', () => {
    expect(scoreMeasure(c3, { value: { lectures: 1 } }, {}).status).toBe('notMarked');
    expect(scoreMeasure(c3, { value: 3 }, {}).status).toBe('notMarked');
  });

  test('DOMAIN.md §4.3 C3: the rule names every item and its minimum', () => {
    expect(scoreMeasure(c3, undefined, {}).rule).toEqual({
      key: 'scoring.rule.countItemsVeto',
      vars: { points: 10, items: '廉政党课 ≥ 1、警示教育 ≥ 2' },
    });
  });

  test('DOMAIN.md §4.3 C3: a count needs minimum or items, not both, not neither', () => {
    const withBoth = { ...S, common: [{ ...c3, measure: { ...c3.measure, minimum: 2 } }, S.common[1]] };
    const withNone = { ...S, common: [{ ...c3, measure: { kind: 'count' } }, S.common[1]] };
    for (const s of [withBoth, withNone])
      expect(Standard.safeParse(s).error?.issues.map((i) => i.message)).toContain('scoring.standard.countMinimum');
  });
});

describe('"排名第1" only with at least two ranked units of the class (issue 14; DOMAIN.md §4.3 aggregation)', () => {
  const card = (unitId: string, x: number) =>
    scoreUnit(S, {
      unitId,
      carrier: 'school',
      ratios: { satisfaction: { numerator: x, denominator: 100 } },
      marks: { C3: { value: { lectures: 1, warningSessions: 2 } }, S1: { value: true } },
      vetoEvents: [],
    });

  test.each([
    ['no unit', [], [], []],
    ['one ranked unit → no rank, too few', [card('a', 96)], [null], [true]],
    [
      'one ranked + one small-sample-free failing unit still ranked → 1, 2',
      [card('a', 96), card('b', 91)],
      [1, 2],
      [false, false],
    ],
  ])('DOMAIN.md §4.3: %s', (_l, cards, ranks, tooFew) => {
    const r = rankScorecards(cards);
    expect(r.map((x) => x.rank)).toEqual(ranks);
    expect(r.map((x) => x.tooFew)).toEqual(tooFew);
  });

  test('DOMAIN.md §5.3: a survey class with one rankable unit ranks nobody; with two, 1 and 2', () => {
    const row = (unitId: string, satisfied: number) => ({
      unitId,
      result: satisfaction({
        satisfied,
        fairlySatisfied: 0,
        notVerySatisfied: 0,
        dissatisfied: 40 - satisfied,
        unsure: 0,
      }),
    });
    expect(
      rankUnits([row('a', 38), { ...row('b', 3), result: { ...row('b', 3).result, insufficient: true } }]).map(
        (r) => r.rank,
      ),
    ).toEqual([null, null]);
    expect(rankUnits([row('a', 38), row('b', 30)]).map((r) => r.rank)).toEqual([1, 2]);
  });
});
