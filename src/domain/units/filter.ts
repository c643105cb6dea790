import type { Township, Unit, UnitCarrier } from './schema.ts';

/** The value a filter takes when it does not restrict anything. */
export const ANY = 'all';

export interface UnitFilter {
  carrier: UnitCarrier | typeof ANY;
  township: string;
}

export interface ListedUnit extends Unit {
  id: string;
}

/**
 * Units matching a filter, ordered by township display order, then carrier order, then name
 * (zh-CN collation supplied by the caller so the domain stays free of locale data).
 */
export function filterUnits(
  units: readonly ListedUnit[],
  townships: readonly Township[],
  filter: UnitFilter,
  compareNames: (a: string, b: string) => number,
  carrierOrder: readonly string[],
): ListedUnit[] {
  const townshipRank = new Map(townships.map((t) => [t.id, t.order]));
  return units
    .filter((u) => filter.carrier === ANY || u.carrier === filter.carrier)
    .filter((u) => filter.township === ANY || u.township === filter.township)
    .toSorted(
      (a, b) =>
        (townshipRank.get(a.township) ?? 0) - (townshipRank.get(b.township) ?? 0) ||
        carrierOrder.indexOf(a.carrier) - carrierOrder.indexOf(b.carrier) ||
        compareNames(a.name, b.name),
    );
}

/** Every (carrier, township) filter combination that gets a prerendered page. */
export function allFilters(carrierIds: readonly UnitCarrier[], townshipIds: readonly string[]): UnitFilter[] {
  const cs = [ANY, ...carrierIds] as const;
  const ts = [ANY, ...townshipIds];
  return cs.flatMap((carrier) => ts.map((township) => ({ carrier, township })));
}

/** Count units per listed carrier (zero counts included, so the home page never hides a carrier). */
export function countByCarrier(
  units: readonly Pick<Unit, 'carrier'>[],
  carrierIds: readonly UnitCarrier[],
): Record<UnitCarrier, number> {
  const counts = Object.fromEntries(carrierIds.map((c) => [c, 0])) as Record<UnitCarrier, number>;
  for (const u of units) if (Object.hasOwn(counts, u.carrier)) counts[u.carrier] += 1;
  return counts;
}
