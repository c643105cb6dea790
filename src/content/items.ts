import type { ListedUnit } from '../domain/units/filter.ts';
import type { CheckResult, verdictOf } from '../domain/disclosures/common.ts';
import type { DisclosureKind } from '../domain/disclosures/kinds.ts';
import type { PeriodicKind } from '../domain/disclosures/due.ts';
import type { DisclosureData } from '../domain/disclosures/validate.ts';
import type { PublicityStatus } from '../domain/disclosures/publicity.ts';
import type { DisclosureHistory } from '../domain/disclosures/history.ts';

export type Verdict = ReturnType<typeof verdictOf>;

/** One disclosure as lists, filters, feeds and exports see it. */
export interface DisclosureItem<K extends DisclosureKind = DisclosureKind> {
  kind: K;
  id: string;
  /** The permalink path. */
  href: string;
  data: DisclosureData[K];
  unit: ListedUnit;
  townshipName: string;
  year: number;
  /** The period in words (a month, a term, a year, a date). */
  period: string;
  /** Sorts newest first within a kind. */
  sortKey: string;
  title: string;
  publishedOn: string;
  checks: CheckResult[];
  verdict: Verdict | undefined;
  publicity: PublicityStatus | undefined;
  /** Its versions when it comes from the disclosure store (issue 12); undefined for a file in content/. */
  history: DisclosureHistory | undefined;
}

/** A stored disclosure whose last version is a withdrawal: its permalink shows the notice, nothing of its data. */
export interface WithdrawnDisclosure {
  kind: DisclosureKind;
  id: string;
  href: string;
  unit: ListedUnit;
  townshipName: string;
  history: DisclosureHistory;
  /** The withdrawal's instant (ISO 8601) and date in Beijing, and its (masked) reason. */
  withdrawnAt: string;
  withdrawnOn: string;
  reason: string | null;
}

export type AnyDisclosureItem = { [K in DisclosureKind]: DisclosureItem<K> }[DisclosureKind];

/** A period a unit owes and has not published by its deadline (shown as overdue), as pages and open data show it. */
export interface OverdueItem {
  kind: PeriodicKind;
  unit: ListedUnit;
  townshipName: string;
  /** `2026-03` or `2026-Q1`. */
  period: string;
  /** The period in words. */
  periodLabel: string;
  year: number;
  deadline: string;
  /** Calendar days since the deadline on the build day: 1 on the day after it. */
  daysOverdue: number;
}


export const itemsOfKind = <K extends DisclosureKind>(
  items: readonly AnyDisclosureItem[],
  kind: K,
): DisclosureItem<K>[] => items.filter((i) => i.kind === kind) as unknown as DisclosureItem<K>[];
