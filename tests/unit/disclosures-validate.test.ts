import { describe, expect, test } from 'vitest';
import { chinaCalendar } from '../support/calendar.ts';
import { validateDisclosures, type RawEntry, type ValidationInput } from '../../src/domain/disclosures/validate.ts';
import { disclosureKinds } from '../../src/domain/disclosures/kinds.ts';
import { filterDisclosures, allDisclosureFilters, yearsOf } from '../../src/domain/disclosures/filter.ts';
import { verdictOf } from '../../src/domain/disclosures/common.ts';
import {
  sampleCanteenAccount,
  sampleCollectiveAssets,
  sampleDecision,
  sampleMatter,
  sampleProcurement,
  sampleStudentAid,
} from '../support/disclosure-samples.ts';

const units = [
  { id: 'school-a', carrier: 'school' as const },
  { id: 'village-a', carrier: 'village' as const },
  { id: 'agency-a', carrier: 'agency' as const, powers: [{ title: 'Licence approval' }] },
];
const none = Object.fromEntries(
  disclosureKinds.map((k) => [k, [] as RawEntry[]]),
) as unknown as ValidationInput['files'];
const run = (files: Partial<ValidationInput['files']>) =>
  validateDisclosures({ units, calendar: chinaCalendar, files: { ...none, ...files } });
const lines = (r: ReturnType<typeof run>) => r.problems.map((p) => `${p.file} › ${p.path.join('.')}: ${p.message}`);
const raw = (file: string, data: unknown, id = file.replace(/\.yaml$/, '')): RawEntry => ({
  file,
  id,
  data: JSON.parse(JSON.stringify(data)) as unknown,
});

describe('validateDisclosures', () => {
  test('valid files come back typed, with no problems', () => {
    const r = run({
      procurement: [raw('p.yaml', sampleProcurement())],
      canteenAccount: [raw('c.yaml', sampleCanteenAccount())],
      studentAid: [raw('a.yaml', sampleStudentAid())],
      collectiveAssets: [raw('l.yaml', sampleCollectiveAssets())],
      decision: [raw('d.yaml', sampleDecision(), 'village-a-tea')],
      matter: [raw('m.yaml', sampleMatter())],
    });
    expect(lines(r)).toEqual([]);
    expect(disclosureKinds.map((k) => r.entries[k].length)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  test.each([
    ['an unknown unit', { ...sampleProcurement(), unit: 'school-z' }, 'p.yaml › unit: disclosures.unit.unknown'],
    [
      'a unit of the wrong carrier',
      { ...sampleProcurement(), unit: 'village-a' },
      'p.yaml › unit: disclosures.unit.wrongCarrier',
    ],
    [
      'a schema error',
      { ...sampleProcurement(), budgetFen: 1.5 },
      'p.yaml › budgetFen: disclosures.amount.notWholeFen',
    ],
    [
      'a phone number in free text',
      { ...sampleProcurement(), methodRationale: 'ask 13812345678' },
      'p.yaml › methodRationale: disclosures.personalData.mobile',
    ],
  ])('reports %s with file and field, and drops the file', (_label, data, expected) => {
    const r = run({ procurement: [raw('p.yaml', data)] });
    expect(lines(r)).toContain(expected);
    expect(r.entries.procurement).toEqual([]);
  });

  test('a file name that is no slug, and a file that is no YAML', () => {
    const r = run({
      procurement: [
        raw('Bad Name.yaml', sampleProcurement(), 'Bad Name'),
        { file: 'x.yaml', id: 'x', data: undefined, parseError: 'bad indentation' },
      ],
    });
    expect(lines(r)).toEqual([
      'Bad Name.yaml › (file name): disclosures.fileName.invalid',
      'x.yaml › (file): disclosures.file.yaml',
    ]);
  });

  test('aid lists: dates where none belong are birth dates; elsewhere dates are fine', () => {
    const aid = sampleStudentAid();
    aid.recipients[0]!.class = '2012-03-05';
    expect(lines(run({ studentAid: [raw('a.yaml', aid)] }))).toEqual([
      'a.yaml › recipients.0.class: disclosures.personalData.birthDate',
    ]);
    const p = { ...sampleProcurement(), methodRationale: 'decided on 2026-04-20' };
    expect(lines(run({ procurement: [raw('p.yaml', p)] }))).toEqual([]);
  });

  test('canteen months of one school are checked as one sequence, without cascading from a bad month', () => {
    const jan = sampleCanteenAccount('2026-01', 100_000);
    const feb = sampleCanteenAccount('2026-02', jan.closingFen + 1);
    const r = run({ canteenAccount: [raw('jan.yaml', jan), raw('feb.yaml', feb)] });
    expect(lines(r)).toEqual(['feb.yaml › openingFen: disclosures.canteen.openingMismatch']);
    expect(r.entries.canteenAccount.map((e) => e.id)).toEqual(['jan']);

    const badJan = { ...jan, closingFen: jan.closingFen + 7 };
    const r2 = run({
      canteenAccount: [raw('jan.yaml', badJan), raw('feb.yaml', sampleCanteenAccount('2026-02', badJan.closingFen))],
    });
    expect(lines(r2)).toEqual(['jan.yaml › closingFen: disclosures.canteen.balanceMismatch']);
  });

  test('a contract above the threshold must point at an existing decision of the same village', () => {
    const ledger = raw('l.yaml', sampleCollectiveAssets());
    expect(lines(run({ collectiveAssets: [ledger] }))).toEqual([
      'l.yaml › contracts.0.decision: disclosures.assets.unknownDecision',
    ]);
    const other = { ...sampleDecision(), unit: 'village-b' };
    const r = validateDisclosures({
      units: [...units, { id: 'village-b', carrier: 'village' }],
      calendar: chinaCalendar,
      files: { ...none, collectiveAssets: [ledger], decision: [raw('d.yaml', other, 'village-a-tea')] },
    });
    expect(lines(r)).toEqual(['l.yaml › contracts.0.decision: disclosures.assets.decisionOtherUnit']);
  });

  test('ledgers: one file per village and year, December carries into January', () => {
    const y2026 = sampleCollectiveAssets();
    const y2025 = {
      ...sampleCollectiveAssets(),
      year: 2025,
      funds: [{ month: '2025-12', openingFen: 999, lines: [], closingFen: 999 }],
      contracts: [],
      assets: [],
      resources: [],
    };
    const decision = raw('d.yaml', sampleDecision(), 'village-a-tea');
    expect(
      lines(run({ collectiveAssets: [raw('a.yaml', y2025), raw('b.yaml', y2026)], decision: [decision] })),
    ).toEqual(['b.yaml › funds.0.openingFen: disclosures.assets.openingBalance']);
    expect(
      lines(run({ collectiveAssets: [raw('a.yaml', y2026), raw('b.yaml', y2026)], decision: [decision] })),
    ).toContain('b.yaml › year: disclosures.assets.duplicateYear');
  });
});

describe('filters and verdicts', () => {
  const item = (carrier: string, township: string, year: number) => ({ unit: { carrier, township }, year });
  const items = [item('school', 'xixi', 2026), item('school', 'nanhu', 2025), item('village', 'xixi', 2026)];

  test.each([
    [{ carrier: 'all', township: 'all', year: 'all' }, 3],
    [{ carrier: 'school', township: 'all', year: 'all' }, 2],
    [{ carrier: 'all', township: 'xixi', year: 'all' }, 2],
    [{ carrier: 'all', township: 'all', year: '2025' }, 1],
    [{ carrier: 'village', township: 'nanhu', year: 'all' }, 0],
  ])('%o matches %i', (filter, count) => {
    expect(filterDisclosures(items, filter)).toHaveLength(count);
  });

  test('years newest first; every combination plus all', () => {
    expect(yearsOf(items)).toEqual(['2026', '2025']);
    expect(allDisclosureFilters(['school'], ['xixi', 'nanhu'], ['2026'])).toHaveLength(2 * 3 * 2);
  });

  test.each([
    [['pass', 'notApplicable'], 'compliant'],
    [['pass', 'pending'], 'pending'],
    [['pending', 'fail'], 'nonCompliant'],
    [[], 'compliant'],
  ])('verdict of %o is %s', (states, verdict) => {
    expect(verdictOf(states.map((state) => ({ key: 'order', state: state as 'pass', reason: 'x' })))).toBe(verdict);
  });
});
