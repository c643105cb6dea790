import { describe, expect, it } from 'vitest';
import { canteenDeadline } from '../../src/domain/disclosures/canteen-account/rules.ts';
import { overdueCanteenMonths } from '../../src/domain/disclosures/due.ts';

describe('overdue canteen months', () => {
  it('is in time on the 15th and overdue by one day on the 16th', () => {
    expect(overdueCanteenMonths('2026-01', new Set(), '2026-02-15')).toEqual([]);
    expect(overdueCanteenMonths('2026-01', new Set(), '2026-02-16')).toEqual([
      { period: '2026-01', deadline: '2026-02-15', daysOverdue: 1 },
    ]);
  });
  it('skips filed months and crosses a year boundary', () => {
    expect(overdueCanteenMonths('2025-11', new Set(['2025-11']), '2026-01-20')).toEqual([
      { period: '2025-12', deadline: '2026-01-15', daysOverdue: 5 },
    ]);
  });
  it('counts calendar days across a leap February', () => {
    expect(canteenDeadline('2028-01')).toBe('2028-02-15');
    expect(overdueCanteenMonths('2028-01', new Set(), '2028-03-01')[0]?.daysOverdue).toBe(15);
  });
  it('owes nothing before a mid-year first period', () => {
    expect(overdueCanteenMonths('2026-09', new Set(), '2026-10-15')).toEqual([]);
  });
});
