import { daysBetween, monthsOfQuarter, nextMonth, nextQuarter, quarterOfMonth } from '../calendar/dates.ts';
import type { UnitCarrier } from '../units/schema.ts';
import { CANTEEN_PUBLISH_BY_DAY, VILLAGE_QUARTER_PUBLISH_BY_DAY } from './constants.ts';
import type { CanteenAccount } from './canteen-account/schema.ts';
import type { CollectiveAssets } from './collective-assets/schema.ts';
import { kindCarriers } from './kinds.ts';

/**
 * What is due (DOMAIN.md §2.2, §3.1): the periodic disclosure kinds, each with its carrier, its period and its
 * deadline, as data. Procurements, student-aid lists and decision records are event-driven (one per purchase, list or
 * matter), so nothing periodic is owed for them.
 * - canteen accounts: every month, by the 15th of the next month (that day included), schools with a canteen;
 * - the three-asset ledger: every quarter, by the 20th of the quarter's next month (the county catalogue's
 *   "each quarter's first month, the 20th"), villages. A quarter counts as filed when the year's file carries all three of its months.
 */
export const periodicKinds = ['canteenAccount', 'collectiveAssets'] as const;
export type PeriodicKind = (typeof periodicKinds)[number];

export interface DueSchedule {
  readonly carrier: UnitCarrier;
  readonly cadence: 'month' | 'quarter';
  /** The day of the month after the period by which it is published (calendar days, that day included). */
  readonly publishByDay: number;
}

export const dueSchedules: Record<PeriodicKind, DueSchedule> = {
  canteenAccount: { carrier: kindCarriers.canteenAccount[0]!, cadence: 'month', publishByDay: CANTEEN_PUBLISH_BY_DAY },
  collectiveAssets: {
    carrier: kindCarriers.collectiveAssets[0]!,
    cadence: 'quarter',
    publishByDay: VILLAGE_QUARTER_PUBLISH_BY_DAY,
  },
};

const day = (n: number) => String(n).padStart(2, '0');

/** The deadline of a period (`2026-01` or `2026-Q1`) of a kind: `2026-02-15`, `2026-04-20`. */
export function periodDeadline(kind: PeriodicKind, period: string): string {
  const s = dueSchedules[kind];
  const last = s.cadence === 'month' ? period : monthsOfQuarter(period)[2];
  return `${nextMonth(last)}-${day(s.publishByDay)}`;
}

const nextPeriod = (kind: PeriodicKind, period: string) =>
  dueSchedules[kind].cadence === 'month' ? nextMonth(period) : nextQuarter(period);

/** The year a period is scored in (the year it covers). */
export const periodYear = (period: string): number => Number(period.slice(0, 4));

export interface OverduePeriod {
  readonly period: string;
  readonly deadline: string;
  /** Calendar days since the deadline: 1 on the day after it. */
  readonly daysOverdue: number;
}

/** The periods of a kind owed from `firstPeriod` whose deadline has passed by `today` and that are not filed. */
export function overduePeriods(
  kind: PeriodicKind,
  firstPeriod: string,
  filed: ReadonlySet<string>,
  today: string,
): OverduePeriod[] {
  const out: OverduePeriod[] = [];
  for (let p = firstPeriod; periodDeadline(kind, p) < today; p = nextPeriod(kind, p)) {
    if (filed.has(p)) continue;
    const deadline = periodDeadline(kind, p);
    out.push({ period: p, deadline, daysOverdue: daysBetween(deadline, today) });
  }
  return out;
}

/** The quarters a village's yearly ledgers file: those whose three months are all in a year's fund ledger. */
export function filedQuarters(ledgers: readonly { funds: readonly { month: string }[] }[]): Set<string> {
  const months = new Set(ledgers.flatMap((l) => l.funds.map((m) => m.month)));
  return new Set([...months].map(quarterOfMonth).filter((q) => monthsOfQuarter(q).every((m) => months.has(m))));
}

/** A unit as the due schedules read it: its carrier and the first owed period it configures per kind (content/units). */
export interface OwingUnit {
  id: string;
  carrier: UnitCarrier;
  dueFrom?: { readonly [K in PeriodicKind]?: string | undefined } | undefined;
}

/** What the due schedules read: the units and the filed disclosures. */
export interface DueInputs {
  units: readonly OwingUnit[];
  canteenAccount: readonly { data: Pick<CanteenAccount, 'unit' | 'month'> }[];
  collectiveAssets: readonly { data: Pick<CollectiveAssets, 'unit'> & { funds: readonly { month: string }[] } }[];
}

export interface OverdueEntry extends OverduePeriod {
  readonly unit: string;
  readonly kind: PeriodicKind;
}

/**
 * Every overdue period of every unit on `today`, by unit id, kind and period. A unit owes a kind from its configured
 * `dueFrom` in content/units, otherwise from its first filed period; a unit that neither configures nor ever filed a
 * kind is not known to owe it (a school without a canteen files no accounts).
 */
export function overdueEntries(inputs: DueInputs, today: string): OverdueEntry[] {
  const filed = new Map<string, Set<string>>();
  const add = (unit: string, kind: PeriodicKind, periods: Iterable<string>) => {
    const k = `${unit}|${kind}`;
    filed.set(k, new Set([...(filed.get(k) ?? []), ...periods]));
  };
  for (const e of inputs.canteenAccount) add(e.data.unit, 'canteenAccount', [e.data.month]);
  const ledgers = Map.groupBy(inputs.collectiveAssets, (e) => e.data.unit);
  for (const [unit, list] of ledgers) add(unit, 'collectiveAssets', filedQuarters(list.map((e) => e.data)));

  const out: OverdueEntry[] = [];
  for (const unit of inputs.units.toSorted((a, b) => a.id.localeCompare(b.id))) {
    for (const kind of periodicKinds) {
      if (dueSchedules[kind].carrier !== unit.carrier) continue;
      const periods = filed.get(`${unit.id}|${kind}`) ?? new Set<string>();
      const first = unit.dueFrom?.[kind] ?? [...periods].toSorted()[0];
      if (first === undefined) continue;
      for (const o of overduePeriods(kind, first, periods, today)) out.push({ unit: unit.id, kind, ...o });
    }
  }
  return out;
}
