import { describe, expect, it } from 'vitest';
import { canteenDeadline } from '../../src/domain/disclosures/canteen-account/rules.ts';
import {
  dueSchedules,
  filedQuarters,
  overdueEntries,
  overduePeriods,
  periodDeadline,
} from '../../src/domain/disclosures/due.ts';
import { monthsOfQuarter, nextQuarter, quarterOfMonth } from '../../src/domain/calendar/dates.ts';
import { Unit } from '../../src/domain/units/schema.ts';

const months = (list: string[]) => list.map((month) => ({ month }));

describe('overdue canteen months', () => {
  it('is in time on the 15th and overdue by one day on the 16th', () => {
    expect(overduePeriods('canteenAccount', '2026-01', new Set(), '2026-02-15')).toEqual([]);
    expect(overduePeriods('canteenAccount', '2026-01', new Set(), '2026-02-16')).toEqual([
      { period: '2026-01', deadline: '2026-02-15', daysOverdue: 1 },
    ]);
  });
  it('skips filed months and crosses a year boundary', () => {
    expect(periodDeadline('canteenAccount', '2025-12')).toBe('2026-01-15');
    expect(overduePeriods('canteenAccount', '2025-11', new Set(['2025-11']), '2026-01-20')).toEqual([
      { period: '2025-12', deadline: '2026-01-15', daysOverdue: 5 },
    ]);
  });
  it('counts calendar days across a leap February', () => {
    expect(canteenDeadline('2028-01')).toBe('2028-02-15');
    expect(overduePeriods('canteenAccount', '2028-01', new Set(), '2028-03-01')[0]?.daysOverdue).toBe(15);
  });
  it('owes nothing before a mid-year first period', () => {
    expect(overduePeriods('canteenAccount', '2026-09', new Set(), '2026-10-15')).toEqual([]);
  });
  it('is a school kind, monthly, by the 15th', () => {
    expect(dueSchedules.canteenAccount).toEqual({ carrier: 'school', cadence: 'month', publishByDay: 15 });
  });
});

describe('overdue ledger quarters', () => {
  it('names quarters and walks them across a year', () => {
    expect(quarterOfMonth('2026-03')).toBe('2026-Q1');
    expect(quarterOfMonth('2026-04')).toBe('2026-Q2');
    expect(quarterOfMonth('2026-12')).toBe('2026-Q4');
    expect(monthsOfQuarter('2026-Q3')).toEqual(['2026-07', '2026-08', '2026-09']);
    expect(nextQuarter('2026-Q4')).toBe('2027-Q1');
  });
  it('is due by the 20th of the month after the quarter: in time on the 20th, overdue on the 21st', () => {
    expect(dueSchedules.collectiveAssets).toEqual({ carrier: 'village', cadence: 'quarter', publishByDay: 20 });
    expect(periodDeadline('collectiveAssets', '2026-Q1')).toBe('2026-04-20');
    expect(overduePeriods('collectiveAssets', '2026-Q1', new Set(), '2026-04-20')).toEqual([]);
    expect(overduePeriods('collectiveAssets', '2026-Q1', new Set(), '2026-04-21')).toEqual([
      { period: '2026-Q1', deadline: '2026-04-20', daysOverdue: 1 },
    ]);
  });
  it('puts the fourth quarter’s deadline in January of the next year', () => {
    expect(periodDeadline('collectiveAssets', '2025-Q4')).toBe('2026-01-20');
    expect(overduePeriods('collectiveAssets', '2025-Q3', new Set(['2025-Q3']), '2026-02-01')).toEqual([
      { period: '2025-Q4', deadline: '2026-01-20', daysOverdue: 12 },
    ]);
  });
  it('files a quarter only when the year’s fund ledger carries all three of its months', () => {
    const ledger2025 = { funds: months(['2025-10', '2025-11', '2025-12']) };
    const ledger2026 = { funds: months(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05']) };
    expect([...filedQuarters([ledger2025, ledger2026])].toSorted()).toEqual(['2025-Q4', '2026-Q1']);
  });
});

describe('what each unit owes', () => {
  const school = { id: 'a-school', carrier: 'school' as const };
  const village = { id: 'a-village', carrier: 'village' as const };
  const canteen = (month: string) => ({ data: { unit: 'a-school', month } });

  it('owes from the configured first period, before the first filed one', () => {
    const found = overdueEntries(
      {
        units: [{ ...school, dueFrom: { canteenAccount: '2025-09' } }],
        canteenAccount: [canteen('2025-11')],
        collectiveAssets: [],
      },
      '2025-12-01',
    );
    expect(found).toEqual([
      { unit: 'a-school', kind: 'canteenAccount', period: '2025-09', deadline: '2025-10-15', daysOverdue: 47 },
      { unit: 'a-school', kind: 'canteenAccount', period: '2025-10', deadline: '2025-11-15', daysOverdue: 16 },
    ]);
  });
  it('owes from the first filed period without a configured start, and finds the gap after the last one', () => {
    const found = overdueEntries(
      { units: [school], canteenAccount: [canteen('2026-01'), canteen('2026-02')], collectiveAssets: [] },
      '2026-04-16',
    );
    expect(found.map((o) => o.period)).toEqual(['2026-03']);
  });
  it('owes nothing it was never known to owe, nor a kind of another carrier', () => {
    expect(
      overdueEntries({ units: [school, village], canteenAccount: [], collectiveAssets: [] }, '2026-12-01'),
    ).toEqual([]);
    const agency = { id: 'a-bureau', carrier: 'agency' as const, dueFrom: { canteenAccount: '2026-01' } };
    expect(overdueEntries({ units: [agency], canteenAccount: [], collectiveAssets: [] }, '2026-12-01')).toEqual([]);
  });
  it('owes a village its quarters from the configured one', () => {
    const found = overdueEntries(
      {
        units: [{ ...village, dueFrom: { collectiveAssets: '2025-Q4' } }],
        canteenAccount: [],
        collectiveAssets: [
          { data: { unit: 'a-village', funds: months(['2026-01', '2026-02', '2026-03', '2026-04']) } },
        ],
      },
      '2026-07-21',
    );
    expect(found).toEqual([
      { unit: 'a-village', kind: 'collectiveAssets', period: '2025-Q4', deadline: '2026-01-20', daysOverdue: 182 },
      { unit: 'a-village', kind: 'collectiveAssets', period: '2026-Q2', deadline: '2026-07-20', daysOverdue: 1 },
    ]);
  });
});

describe('the configured first owed period in content/units', () => {
  const base = { name: '演示单位', township: 'xixi', leadDepartment: '市教育局' };
  it('takes a month for a school and a quarter for a village', () => {
    expect(Unit.parse({ ...base, carrier: 'school', dueFrom: { canteenAccount: '2025-09' } }).dueFrom).toEqual({
      canteenAccount: '2025-09',
    });
    expect(Unit.safeParse({ ...base, carrier: 'village', dueFrom: { collectiveAssets: '2026-Q1' } }).success).toBe(
      true,
    );
  });
  it('refuses a kind the carrier does not publish and a malformed period, naming the field', () => {
    const wrong = Unit.safeParse({ ...base, carrier: 'agency', dueFrom: { canteenAccount: '2025-09' } });
    expect(wrong.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['dueFrom.canteenAccount', 'units.dueFrom.notForCarrier'],
    ]);
    const bad = Unit.safeParse({ ...base, carrier: 'village', dueFrom: { collectiveAssets: '2026-Q5' } });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['dueFrom.collectiveAssets', 'disclosures.quarter.invalid'],
    ]);
  });
});
