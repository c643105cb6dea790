import { describe, expect, test } from 'vitest';
import { monthlyYearOnYear, sameMonthLastYear } from '../../src/domain/statistics/year-on-year.ts';
import { OfficialFiguresYear } from '../../src/domain/statistics/official-figures.ts';
import {
  feedbackMonthsDataset,
  replyTimesDataset,
  type FeedbackCount,
  type ReplyFacts,
} from '../../src/site/statistics/portal.ts';
import { t } from '../../src/i18n/t.ts';
import { defaultFeedbackRules } from '../support/calendar.ts';
import { officialQuarterlyDataset, officialYoyDataset } from '../../src/site/statistics/official.ts';

/** Monthly year-on-year figures (DOMAIN.md §5.5: same period last year, same windows in both years). */

describe('the same month a year earlier (DOMAIN §5.5)', () => {
  test.each([
    ['DOMAIN §5.5: March compares with March', '2027-03', '2026-03'],
    ['DOMAIN §5.5: January compares with January of the year before, not December', '2027-01', '2026-01'],
    ['DOMAIN §5.5: leap-year February 2028 (29 days) is the same window as February 2027', '2028-02', '2027-02'],
    ['DOMAIN §5.5: February 2029 compares with leap-year February 2028', '2029-02', '2028-02'],
  ])('%s', (_title, month, before) => {
    expect(sameMonthLastYear(month)).toBe(before);
  });

  const counts = new Map([
    ['2027-02', 28],
    ['2028-02', 29],
    ['2027-05', 10],
  ]);
  const range = { first: '2027-01', last: '2028-06' };
  test.each([
    [
      'DOMAIN §5.5: leap February counts the whole month, not 28 of its 29 days (29 vs 28 → +3.57%)',
      '2028-02',
      { kind: 'change', percent: 3.57 },
    ],
    ['DOMAIN §5.5: a recorded month with no items a year earlier counted 0 → 新增', '2028-03', { kind: 'zeroBoth' }],
    ['DOMAIN §5.5: May 2028 has no items, May 2027 had 10 → −100%', '2028-05', { kind: 'change', percent: -100 }],
    [
      'DOMAIN §5.5: a year earlier was before the first recorded month → missing, never 0',
      '2027-04',
      { kind: 'missing' },
    ],
    ['DOMAIN §5.5: the month in progress has no equal window last year → missing', '2028-06', { kind: 'missing' }],
  ])('%s', (_title, month, expected) => {
    expect(monthlyYearOnYear(counts, range, month, '2028-06')).toEqual(expected);
  });
});

describe('portal series: feedback per month with year-on-year (DOMAIN §5.5)', () => {
  const count = (month: string, n: number): FeedbackCount => ({
    month,
    kind: 'suggestion',
    carrier: 'village',
    townshipId: 'nanhu',
    n,
  });
  const d = feedbackMonthsDataset([count('2027-02', 20), count('2028-02', 25), count('2028-03', 8)], {
    computedAt: '2028-03-10T00:00:00Z',
    currentMonth: '2028-03',
    demo: false,
  });
  const table = d.tables[0]!;
  const yoy = (month: string) => table.rows.find((r) => r.key === month)!.cells.at(-1);

  test('DOMAIN §5.5: the last column is the total year-on-year; leap February 2028 vs February 2027', () => {
    expect(table.columns.at(-1)!.key).toBe('totalYoy');
    expect(yoy('2028-02')).toEqual({ kind: 'yoy', change: { kind: 'change', percent: 25 } });
  });
  test('DOMAIN §5.5: the first recorded year has nothing to compare with', () => {
    expect(yoy('2027-02')).toEqual({ kind: 'yoy', change: { kind: 'missing' } });
  });
  test('DOMAIN §5.5: the current month (in progress) gets no year-on-year figure', () => {
    expect(yoy('2028-03')).toEqual({ kind: 'yoy', change: { kind: 'missing' } });
  });
  test('DOMAIN §5.5: a month whose total is suppressed (1–4 items) has its change suppressed too', () => {
    const small = feedbackMonthsDataset([count('2027-01', 10), count('2028-01', 3)], {
      computedAt: '2028-03-10T00:00:00Z',
      currentMonth: '2028-03',
      demo: false,
    });
    expect(small.tables[0]!.rows.find((r) => r.key === '2028-01')!.cells.at(-1)).toEqual({
      kind: 'yoy',
      change: { kind: 'suppressed' },
    });
  });
});

describe('portal series: reply times per month with the received count year-on-year (DOMAIN §5.5)', () => {
  const item = (month: string): ReplyFacts => ({
    month,
    carrier: 'school',
    state: 'submitted',
    receivedAt: new Date(`${month}-10T02:00:00Z`),
    acceptedAt: null,
    extensionDays: null,
    reopenedAt: null,
    firstAnsweredAt: null,
    firstAnswerDueAt: null,
    routedTo: 'unit',
  });
  const items = (month: string, n: number) => Array.from({ length: n }, () => item(month));
  const d = replyTimesDataset([...items('2027-02', 8), ...items('2028-02', 10), ...items('2028-03', 6)], {
    computedAt: '2028-03-10T00:00:00Z',
    currentMonth: '2028-03',
    demo: false,
    now: new Date('2028-03-10T00:00:00Z'),
    rules: defaultFeedbackRules,
  });
  const table = d.tables[0]!;
  const yoy = (month: string) => table.rows.find((r) => r.key === month)!.cells.at(-1);

  test('DOMAIN §5.5: the months table ends with the received count against the same month last year', () => {
    expect(table.columns.at(-1)!.key).toBe('receivedYoy');
    // 10 in February 2028 against 8 in February 2027: +25.00%.
    expect(yoy('2028-02')).toEqual({ kind: 'yoy', change: { kind: 'change', percent: 25 } });
    // Months whose same month a year earlier is before the first record have nothing to compare with (never 0).
    expect(yoy('2028-01')).toEqual({ kind: 'yoy', change: { kind: 'missing' } });
    expect(yoy('2027-03')).toEqual({ kind: 'yoy', change: { kind: 'missing' } });
  });
  test('DOMAIN §5.5: the month in progress has no year-on-year; the carriers table has no such column', () => {
    expect(yoy('2028-03')).toEqual({ kind: 'yoy', change: { kind: 'missing' } });
    expect(d.tables[1]!.columns.map((c) => c.key)).not.toContain('receivedYoy');
    expect(d.definitions).toContain(t('statistics.def.monthlyYoy'));
  });
});

describe('official figures may be monthly (DOMAIN §5.5; widened schema)', () => {
  const m = (month: number, n: number) => ({
    month,
    preliminaryLeads: n,
    petitionsAndReports: n,
    casesFiled: n,
    sanctions: n,
  });
  const file = (over: Record<string, unknown>) => ({
    year: 2028,
    source: '青岚市纪委监委月度通报',
    publishedOn: '2028-03-10',
    ...over,
  });
  const errors = (input: unknown) => {
    const r = OfficialFiguresYear.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test('DOMAIN §5.5: a file with months only is valid; a file with quarters only still is', () => {
    expect(errors(file({ months: [m(1, 10), m(2, 12)] }))).toEqual([]);
    expect(
      errors(
        file({
          quarters: [{ quarter: 1, preliminaryLeads: 1, petitionsAndReports: 1, casesFiled: 1, sanctions: 1 }],
          publishedOn: '2028-04-10',
        }),
      ),
    ).toEqual([]);
  });

  test.each([
    ['month 13', { months: [m(13, 1)] }, 'months.0.month: statistics.official.monthInvalid'],
    ['a month twice', { months: [m(1, 1), m(1, 1)] }, 'months.1.month: statistics.official.monthDuplicate'],
    ['months out of order', { months: [m(2, 1), m(1, 1)] }, 'months.1.month: statistics.official.monthOrder'],
    [
      'published on the last day of the last month',
      { months: [m(1, 1), m(2, 1)], publishedOn: '2028-02-29' },
      'publishedOn: statistics.official.publishedBeforePeriodEnd',
    ],
    [
      'a quarter that disagrees with its three months',
      {
        months: [m(1, 1), m(2, 1), m(3, 1)],
        quarters: [{ quarter: 1, preliminaryLeads: 3, petitionsAndReports: 3, casesFiled: 3, sanctions: 4 }],
        publishedOn: '2028-04-10',
      },
      'quarters.0.sanctions: statistics.official.monthsMismatch',
    ],
  ])('DOMAIN §5.5: %s is refused', (_title, over, message) => {
    expect(errors(file(over))).toContain(message);
  });

  test('DOMAIN §5.5: monthly years get a months table against the same month, and completed quarters from months', () => {
    const y2027 = OfficialFiguresYear.parse(
      file({ year: 2027, months: [m(1, 10), m(2, 20), m(3, 30)], publishedOn: '2027-04-10' }),
    );
    const y2028 = OfficialFiguresYear.parse(
      file({ months: [m(1, 12), m(2, 15), m(3, 30), m(4, 9)], publishedOn: '2028-05-10' }),
    );
    const input = { years: [y2027, y2028], townships: [] };
    const d = officialQuarterlyDataset(input);
    const months = d.tables.find((t) => t.key === 'months')!;
    const yoyOf = (key: string) => months.rows.find((r) => r.key === key)!.cells[4];
    expect(yoyOf('2028-02')).toEqual({ kind: 'yoy', change: { kind: 'change', percent: -25 } });
    expect(yoyOf('2028-04')).toEqual({ kind: 'yoy', change: { kind: 'missing' } });
    // Q1 2028 = 12 + 15 + 30 = 57 against Q1 2027 = 60.
    const q1 = d.tables[0]!.rows.find((r) => r.key === '2028-q1')!;
    expect(q1.cells[0]).toEqual({ kind: 'count', n: 57 });
    expect(q1.cells[4]).toEqual({ kind: 'yoy', change: { kind: 'change', percent: -5 } });
    // The year-on-year series compares the same completed quarters (Q1) of both years.
    expect(officialYoyDataset(input).tables[0]!.rows.at(-1)!.cells[1]).toEqual({
      kind: 'yoy',
      change: { kind: 'change', percent: -5 },
    });
  });
});
