import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { Standard, type Indicator } from '../../src/domain/scoring/standard.ts';
import { scoreMeasure, type Mark } from '../../src/domain/scoring/interpret.ts';
import { gradeOf, scoreUnit, shareMark, type UnitInputs } from '../../src/domain/scoring/scorecard.ts';
import { isRankable, passRates, rankScorecards } from '../../src/domain/scoring/ranking.ts';
import { downgradesAfterVeto } from '../../src/domain/scoring/history.ts';

/** A small standard: 2 common + 2 individual indicators per carrier, every measure kind present. */
const tiny = (over: Record<string, unknown> = {}) =>
  Standard.parse({
    year: 2026,
    title: 'test standard',
    totalPoints: 100,
    carriers: ['school', 'village'],
    common: [
      {
        key: 'C1',
        name: 'plan and list',
        points: 10,
        measure: { kind: 'mark' },
        deductions: [{ key: 'missingDocument', label: 'missing doc', points: 2 }],
      },
      {
        key: 'C2',
        name: 'warning education',
        points: 10,
        measure: { kind: 'count', minimum: 2, shortfallVeto: 'educationShortfall' },
      },
      {
        key: 'C3',
        name: 'on-time replies',
        points: 20,
        measure: { kind: 'ratio', source: 'replyOnTime', minSample: 5 },
      },
      {
        key: 'C4',
        name: 'satisfaction',
        points: 20,
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
    individual: {
      school: [{ key: 'S1', name: 'no paid tutoring', points: 40, measure: { kind: 'boolean' } }],
      village: [
        {
          key: 'V1',
          name: 'decisions',
          points: 40,
          measure: { kind: 'ratio', source: 'decisionCompliance', minSample: 1 },
        },
      ],
    },
    negativeList: {
      items: [
        { key: 'caseFiled', name: 'case filed' },
        { key: 'educationShortfall', name: 'education shortfall' },
        { key: 'foodSafety', name: 'food safety', carriers: ['school'] },
      ],
    },
    positiveList: {
      items: [
        { key: 'honour', name: 'honour', points: 3 },
        { key: 'model', name: 'model', points: 3 },
      ],
    },
    ...over,
  });
const S = tiny();
const ind = (key: string): Indicator =>
  [...S.common, ...Object.values(S.individual).flat()].find((i) => i.key === key)!;

describe('scoreMeasure: every measure kind at every band edge', () => {
  const ratio = (x: number, n: number) => ({ numerator: x, denominator: n });
  test.each<
    [
      string,
      string,
      Mark | undefined,
      Record<string, { numerator: number; denominator: number }>,
      string,
      number | null,
    ]
  >([
    // mark: full points once marked; nothing until then
    ['mark, not marked', 'C1', undefined, {}, 'notMarked', null],
    ['mark, marked', 'C1', { deductions: [] }, {}, 'scored', 1000],
    // boolean
    ['boolean yes', 'S1', { value: true }, {}, 'scored', 4000],
    ['boolean no', 'S1', { value: false }, {}, 'scored', 0],
    ['boolean missing', 'S1', { value: null }, {}, 'notMarked', null],
    // count: minimum 2
    ['count 1 (below)', 'C2', { value: 1 }, {}, 'scored', 0],
    ['count 2 (edge)', 'C2', { value: 2 }, {}, 'scored', 1000],
    ['count 3 (above)', 'C2', { value: 3 }, {}, 'scored', 1000],
    ['count missing', 'C2', {}, {}, 'notMarked', null],
    // ratio: minSample 5, proportional
    [
      'ratio, 4 observations (below minimum sample)',
      'C3',
      undefined,
      { replyOnTime: ratio(4, 4) },
      'insufficientSample',
      null,
    ],
    [
      'ratio, 4 observations, evaluator gives 15',
      'C3',
      { points: 15 },
      { replyOnTime: ratio(4, 4) },
      'insufficientSampleMarked',
      1500,
    ],
    ['ratio, 5 observations (edge) all on time', 'C3', undefined, { replyOnTime: ratio(5, 5) }, 'scored', 2000],
    ['ratio 3/5', 'C3', undefined, { replyOnTime: ratio(3, 5) }, 'scored', 1200],
    ['ratio 2/3 of 6 rounds to hundredths', 'C3', undefined, { replyOnTime: ratio(4, 6) }, 'scored', 1333],
    ['ratio 0/5', 'C3', undefined, { replyOnTime: ratio(0, 5) }, 'scored', 0],
    ['ratio, no data at all', 'C3', undefined, {}, 'insufficientSample', null],
    // bands: ≥ 95 % → 20, ≥ 90 % → 15, else 0; minSample 30
    [
      'bands 29 answers (below minimum sample)',
      'C4',
      undefined,
      { satisfaction: ratio(29, 29) },
      'insufficientSample',
      null,
    ],
    ['bands 30 answers (edge), 100 %', 'C4', undefined, { satisfaction: ratio(30, 30) }, 'scored', 2000],
    ['bands exactly 95 % (19/20 × 2)', 'C4', undefined, { satisfaction: ratio(38, 40) }, 'scored', 2000],
    ['bands just below 95 % (94/99)', 'C4', undefined, { satisfaction: ratio(94, 99) }, 'scored', 1500],
    ['bands exactly 90 % (36/40)', 'C4', undefined, { satisfaction: ratio(36, 40) }, 'scored', 1500],
    ['bands just below 90 % (35/40)', 'C4', undefined, { satisfaction: ratio(35, 40) }, 'scored', 0],
    ['bands 0 %', 'C4', undefined, { satisfaction: ratio(0, 40) }, 'scored', 0],
    [
      'bands, evaluator points capped at the maximum',
      'C4',
      { points: 99 },
      { satisfaction: ratio(1, 2) },
      'insufficientSampleMarked',
      2000,
    ],
  ])('%s', (_label, key, mark, ratios, status, cents) => {
    const r = scoreMeasure(ind(key), mark, ratios);
    expect(r.status).toBe(status);
    expect(r.baseCents).toBe(cents);
  });

  test('a count below the minimum with shortfallVeto triggers that veto; at the minimum it does not', () => {
    expect(scoreMeasure(ind('C2'), { value: 1 }, {}).triggersVeto).toBe('educationShortfall');
    expect(scoreMeasure(ind('C2'), { value: 2 }, {}).triggersVeto).toBeUndefined();
  });

  test('the rule applied is named with its values', () => {
    expect(scoreMeasure(ind('C4'), undefined, { satisfaction: ratio(40, 40) }).rule).toEqual({
      key: 'scoring.rule.bands',
      vars: { points: 20, source: 'satisfaction', minSample: 30, bands: '≥95%→20 / ≥90%→15' },
    });
  });
});

const full = (over: Partial<UnitInputs> = {}): UnitInputs => ({
  unitId: 'a-school',
  carrier: 'school',
  ratios: { replyOnTime: { numerator: 10, denominator: 10 }, satisfaction: { numerator: 40, denominator: 40 } },
  marks: { C1: { deductions: [] }, C2: { value: 2 }, S1: { value: true } },
  vetoEvents: [],
  ...over,
});

describe('scoreUnit', () => {
  test('a full score with measured satisfaction ≥ 95 % is 示范', () => {
    const c = scoreUnit(S, full());
    expect([c.total, c.grade, c.complete, c.vetoes]).toEqual([100, 'model', true, []]);
  });

  test('deductions floor an indicator at 0 and are itemised', () => {
    const c = scoreUnit(
      S,
      full({
        marks: {
          ...full().marks,
          C1: {
            deductions: [
              { key: 'missingDocument', count: 7, note: 'no plan' },
              { key: 'unknownKey', count: 1 },
            ],
          },
        },
      }),
    );
    const c1 = c.indicators.find((i) => i.key === 'C1')!;
    expect(c1.points).toBe(0);
    expect(c1.deductions).toEqual([
      { key: 'missingDocument', label: 'missing doc', count: 7, cents: 1400, note: 'no plan' },
    ]);
    expect(c.total).toBe(90);
    expect(c.grade).toBe('pass');
  });

  test.each([
    ['95 with satisfaction 95 % → 示范', 9500, [95, 100], 'model'],
    ['95 with satisfaction 94.9 % → 达标', 9500, [949, 1000], 'pass'],
    ['95 without a measured satisfaction → 达标', 9500, null, 'pass'],
    ['94.99 → 达标', 9499, [1, 1], 'pass'],
    ['90 → 达标', 9000, [1, 1], 'pass'],
    ['89.99 → 不达标', 8999, [1, 1], 'fail'],
  ] as const)('DOMAIN.md §4.3 aggregation 3: grade edge: %s', (_l, totalCents, sat, grade) => {
    expect(
      gradeOf(S, {
        vetoed: false,
        complete: true,
        totalCents,
        satisfaction: sat === null ? null : { x: sat[0], n: sat[1] },
      }).grade,
    ).toBe(grade);
  });

  test('any veto → 不达标 whatever the score; incomplete → 待评定', () => {
    expect(gradeOf(S, { vetoed: true, complete: true, totalCents: 10000, satisfaction: { x: 1, n: 1 } }).grade).toBe(
      'fail',
    );
    expect(gradeOf(S, { vetoed: true, complete: false, totalCents: 0, satisfaction: null }).grade).toBe('fail');
    expect(gradeOf(S, { vetoed: false, complete: false, totalCents: 10000, satisfaction: { x: 1, n: 1 } }).grade).toBe(
      'pending',
    );
  });

  test.each([
    ['last day before the window', '2024-12-31', 0],
    ['first day of the 2-year window', '2025-01-01', 1],
    ['last day of the assessment year', '2026-12-31', 1],
    ['after the assessment year', '2027-01-01', 0],
  ])('veto look-back: %s', (_l, occurredOn, n) => {
    const c = scoreUnit(S, full({ vetoEvents: [{ key: 'caseFiled', occurredOn, source: 'decision no. 1' }] }));
    expect(c.vetoes.length).toBe(n);
    expect(c.grade).toBe(n ? 'fail' : 'model');
  });

  test('a veto item of another carrier does not apply', () => {
    expect(
      scoreUnit(
        S,
        full({
          unitId: 'v',
          carrier: 'village',
          marks: { C1: {}, C2: { value: 2 } },
          vetoEvents: [{ key: 'foodSafety', occurredOn: '2026-03-01', source: 'x' }],
        }),
      ).vetoes,
    ).toEqual([]);
  });

  test('a count below the minimum with shortfallVeto vetoes from the indicator', () => {
    const c = scoreUnit(S, full({ marks: { ...full().marks, C2: { value: 1 } } }));
    expect(c.vetoes).toEqual([
      {
        key: 'educationShortfall',
        name: 'education shortfall',
        origin: 'indicator',
        occurredOn: null,
        source: 'C2',
        note: null,
      },
    ]);
    expect(c.grade).toBe('fail');
  });

  test('bonus is capped (default 5) and the total is capped at 100', () => {
    const deducted = {
      ...full().marks,
      C1: { deductions: [{ key: 'missingDocument', count: 5 }] },
      honour: { value: true },
      model: { value: true },
    };
    const c = scoreUnit(S, full({ marks: deducted }));
    expect(c.bonus).toMatchObject({ awarded: 6, counted: 5, cap: 5 });
    expect([c.subtotal, c.total]).toEqual([90, 95]);
    const capped = scoreUnit(S, full({ marks: { ...full().marks, honour: { value: true } } }));
    expect([capped.subtotal, capped.total]).toEqual([100, 100]);
  });

  test('a small satisfaction sample is 样本不足: not scored until the evaluators mark it, never 示范', () => {
    const small = { ...full().ratios, satisfaction: { numerator: 12, denominator: 12 } };
    const open = scoreUnit(S, full({ ratios: small }));
    expect([open.complete, open.grade, open.insufficient]).toEqual([false, 'pending', ['C4']]);
    const marked = scoreUnit(
      S,
      full({ ratios: small, marks: { ...full().marks, C4: { points: 20, note: 'official survey 96 %' } } }),
    );
    expect([marked.complete, marked.total, marked.grade, marked.satisfaction]).toEqual([true, 100, 'pass', null]);
    expect(isRankable(marked)).toBe(false);
  });

  test('the same inputs always give the same scorecard', () => {
    expect(scoreUnit(S, full())).toEqual(scoreUnit(S, full()));
  });

  test('shared marks (as the repository reads them) give the same scorecards as plain ones, their lines shared and frozen', () => {
    const mark: fc.Arbitrary<Mark> = fc.record(
      {
        value: fc.oneof(fc.boolean(), fc.nat({ max: 4 }), fc.constant(null)),
        points: fc.oneof(fc.constant(null), fc.double({ min: -5, max: 50, noNaN: true })),
        deductions: fc.array(
          fc.record(
            {
              key: fc.constantFrom('missingDocument', 'unknownKey'),
              count: fc.integer({ min: -1, max: 8 }),
              note: fc.string(),
            },
            { requiredKeys: ['key', 'count'] },
          ),
          { maxLength: 3 },
        ),
        note: fc.oneof(fc.constant(null), fc.string()),
      },
      { requiredKeys: [] },
    );
    const keys = ['C1', 'C2', 'C3', 'C4', 'S1', 'V1', 'honour', 'model'] as const;
    const ratio = fc.option(
      fc.nat({ max: 60 }).chain((n) => fc.record({ numerator: fc.nat({ max: n }), denominator: fc.constant(n) })),
      { nil: undefined },
    );
    const inputs = fc.record({
      carrier: fc.constantFrom('school' as const, 'village' as const),
      marks: fc.dictionary(fc.constantFrom(...keys), mark),
      replyOnTime: ratio,
      satisfaction: ratio,
    });
    fc.assert(
      fc.property(inputs, ({ carrier, marks, replyOnTime, satisfaction }) => {
        const ratios = {
          ...(replyOnTime ? { replyOnTime } : {}),
          ...(satisfaction ? { satisfaction } : {}),
        };
        const unit = (unitId: string, m: Record<string, Mark>): UnitInputs => ({
          unitId,
          carrier,
          ratios,
          marks: m,
          vetoEvents: [],
        });
        const plain = scoreUnit(S, unit('a', marks));
        const shared = Object.fromEntries(Object.entries(marks).map(([k, m]) => [k, shareMark(structuredClone(m))]));
        const first = scoreUnit(S, unit('a', shared));
        const second = scoreUnit(S, unit('b', shared));
        expect(JSON.stringify(first)).toBe(JSON.stringify(plain));
        expect(first).toEqual(plain);
        expect({ ...second, unitId: 'a' }).toEqual(plain);
        // Lines scored from a mark alone are one frozen object for every scorecard with that mark.
        for (const [i, line] of first.indicators.entries()) {
          if (line.key === 'C3' || line.key === 'C4' || line.key === 'V1') continue;
          expect(second.indicators[i]).toBe(line);
          expect(Object.isFrozen(line) && Object.isFrozen(line.deductions)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rankScorecards and passRates', () => {
  const card = (unitId: string, deductions: number, over: Partial<UnitInputs> = {}) =>
    scoreUnit(
      S,
      full({
        unitId,
        marks: {
          ...full().marks,
          C1: { deductions: deductions ? [{ key: 'missingDocument', count: deductions }] : [] },
        },
        ...over,
      }),
    );

  test('ties share a rank; vetoed, incomplete and small-sample units are not ranked', () => {
    const cards = [
      card('a', 0),
      card('b', 1),
      card('c', 1),
      card('d', 3),
      card('e', 0, { vetoEvents: [{ key: 'caseFiled', occurredOn: '2026-05-01', source: 's' }] }),
      card('f', 0, {
        ratios: { replyOnTime: { numerator: 10, denominator: 10 }, satisfaction: { numerator: 12, denominator: 12 } },
        marks: { ...full().marks, C4: { points: 20 } },
      }),
      card('g', 0, { marks: {} }),
      // A small reply sample scored by the evaluators is an ordinary mark: ranked.
      card('h', 0, {
        ratios: { replyOnTime: { numerator: 1, denominator: 1 }, satisfaction: { numerator: 40, denominator: 40 } },
        marks: { ...full().marks, C3: { points: 20 } },
      }),
    ];
    expect(rankScorecards(cards).map((r) => [r.card.unitId, r.rank])).toEqual([
      ['a', 1],
      ['h', 1],
      ['b', 3],
      ['c', 3],
      ['d', 5],
      ['e', null],
      ['f', null],
      ['g', null],
    ]);
    expect(cards.map((c) => c.unranked)).toEqual([
      null,
      null,
      null,
      null,
      'veto',
      'insufficientSample',
      'incomplete',
      null,
    ]);
    const [school] = passRates(2026, cards, ['school', 'village']);
    expect(school).toMatchObject({
      units: 8,
      assessed: 7,
      passed: 6,
      model: 4,
      failed: 1,
      vetoed: 1,
      pending: 1,
      insufficient: 2,
    });
    expect(school!.passRate).toBeCloseTo(6 / 7);
  });

  test('a later veto downgrades only years that were graded and whose grade changes', () => {
    const latest = new Map([
      [2025, { grade: 'pass' as const, total: 92, reason: 'graded' as const, recordedAt: new Date(0) }],
      [2026, { grade: 'fail' as const, total: 80, reason: 'graded' as const, recordedAt: new Date(0) }],
    ]);
    expect(
      downgradesAfterVeto(latest, [
        { year: 2025, grade: 'fail', total: 92 },
        { year: 2026, grade: 'fail', total: 80 },
        { year: 2027, grade: 'fail', total: 99 },
      ]),
    ).toEqual([{ year: 2025, grade: 'fail', total: 92 }]);
  });
});

describe('Standard refinements', () => {
  const issues = (over: Record<string, unknown>) => {
    const base = JSON.parse(JSON.stringify(tiny())) as Record<string, unknown>;
    const r = Standard.safeParse({ ...base, ...over });
    return r.success
      ? []
      : r.error.issues.map((i) => ({
          path: i.path.join('.'),
          message: i.message,
          params: (i as { params?: unknown }).params,
        }));
  };
  const base = JSON.parse(JSON.stringify(tiny())) as {
    common: Indicator[];
    individual: Record<string, Indicator[]>;
    negativeList: { items: unknown[] };
  };

  test('points that do not add up name the carrier and the sums', () => {
    const individual = { ...base.individual, school: [{ ...base.individual.school![0]!, points: 39 }] };
    expect(issues({ individual })).toEqual([
      {
        path: 'individual.school',
        message: 'scoring.standard.pointsMismatch',
        params: { carrier: 'school', common: 60, individual: 39, sum: 99, total: 100 },
      },
    ]);
  });

  test('an unknown carrier is named with the declared ones', () => {
    const individual = { ...base.individual, prison: base.individual.school };
    expect(issues({ individual })[0]).toMatchObject({
      path: 'individual.prison',
      message: 'scoring.standard.unknownCarrier',
      params: { carrier: 'prison', declared: 'school, village' },
    });
  });

  test('a duplicate key names both places', () => {
    const common = [...base.common, { ...base.common[0]!, points: 0.5 }];
    expect(issues({ common }).find((i) => i.message === 'scoring.standard.duplicateKey')).toEqual({
      path: 'common.4.key',
      message: 'scoring.standard.duplicateKey',
      params: { key: 'C1', first: 'common.0.key' },
    });
  });

  test('bands out of order, an unknown shortfall veto, a carrier without indicators, grading lines swapped', () => {
    const common = base.common.map((c) =>
      c.key === 'C4'
        ? {
            ...c,
            measure: {
              ...c.measure,
              bands: [
                { min: 0.9, share: 0.75 },
                { min: 0.95, share: 1 },
              ],
            },
          }
        : c.key === 'C2'
          ? { ...c, measure: { kind: 'count', minimum: 2, shortfallVeto: 'nope' } }
          : c,
    );
    const messages = issues({
      common,
      carriers: ['school', 'village', 'hospital'],
      grading: { model: { minScore: 90 }, pass: { minScore: 95 } },
    }).map((i) => `${i.path}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'common.3.measure.bands.1.min: scoring.standard.bandsOrder',
        'common.1.measure.shortfallVeto: scoring.standard.unknownVeto',
        'individual: scoring.standard.missingCarrier',
        'grading.pass.minScore: scoring.standard.gradingOrder',
      ]),
    );
  });
});
