import { daysBetween, nextMonth } from '../calendar/dates.ts';
import { canteenDeadline } from './canteen-account/rules.ts';

/**
 * Monthly canteen accounts are owed by the 15th of each month (DOMAIN.md §3.1): the account of month M is due by the
 * 15th of month M+1 (that day included, calendar days). This module lists, for one unit, the months owed up
 * to `today` from its first owed month, and which of them are overdue (not filed, deadline passed).
 */
export interface OverdueMonth {
  readonly period: string;
  readonly deadline: string;
  readonly daysOverdue: number;
}

export function overdueCanteenMonths(firstPeriod: string, filed: ReadonlySet<string>, today: string): OverdueMonth[] {
  const out: OverdueMonth[] = [];
  for (let p = firstPeriod; canteenDeadline(p) < today; p = nextMonth(p)) {
    if (filed.has(p)) continue;
    const deadline = canteenDeadline(p);
    out.push({ period: p, deadline, daysOverdue: daysBetween(deadline, today) });
  }
  return out;
}
