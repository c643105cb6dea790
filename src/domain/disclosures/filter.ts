import { ANY } from '../units/filter.ts';

/** A prerendered filter of a disclosure index: each value is an id or `all` (ANY). */
export interface DisclosureFilter {
  carrier: string;
  township: string;
  year: string;
}

interface Filterable {
  unit: { carrier: string; township: string };
  year: number;
}

export function matchesFilter(item: Filterable, f: DisclosureFilter): boolean {
  return (
    (f.carrier === ANY || item.unit.carrier === f.carrier) &&
    (f.township === ANY || item.unit.township === f.township) &&
    (f.year === ANY || String(item.year) === f.year)
  );
}

export function filterDisclosures<T extends Filterable>(items: readonly T[], f: DisclosureFilter): T[] {
  return items.filter((i) => matchesFilter(i, f));
}

/** Years present in a list, newest first, as filter values. */
export function yearsOf(items: readonly Filterable[]): string[] {
  return [...new Set(items.map((i) => String(i.year)))].toSorted().toReversed();
}

/** Every combination of the given values plus `all`, one prerendered page each. */
export function allDisclosureFilters(
  carriers: readonly string[],
  townships: readonly string[],
  years: readonly string[],
): DisclosureFilter[] {
  const withAny = (values: readonly string[]) => [ANY, ...values];
  return withAny(carriers).flatMap((carrier) =>
    withAny(townships).flatMap((township) => withAny(years).map((year) => ({ carrier, township, year }))),
  );
}
