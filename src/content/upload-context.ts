import { beijingDate } from '../domain/calendar/dates.ts';
import { disclosureKinds, kindSlugs, publishesKind, type DisclosureKind } from '../domain/disclosures/kinds.ts';
import type { RawEntry } from '../domain/disclosures/validate.ts';
import type { UploadContext } from '../publishing/sheets/check.ts';
import { loadDisclosures } from './disclosures.ts';

/**
 * What an upload is checked against on the staff page: the registry, the working-day calendar and every
 * disclosure the build published (the collections baked into this build), so the rules across records
 * (months in sequence, contracts → decisions) see the same neighbours as `npm run check:content`.
 */
export async function uploadContextFor(unitIds: readonly string[], now: Date): Promise<UploadContext> {
  const { registry, calendar, items } = await loadDisclosures();
  const existing = Object.fromEntries(
    disclosureKinds.map((k) => [
      k,
      items.filter((i) => i.kind === k).map((i): RawEntry => ({ file: `${kindSlugs[k]}/${i.id}`, id: i.id, data: i.data })),
    ]),
  ) as Record<DisclosureKind, RawEntry[]>;
  return {
    units: registry.units,
    allowedUnits: unitIds,
    calendar,
    existing,
    today: beijingDate(now),
    demo: __DEMO__,
  };
}

/** The clerk's units that publish a kind (its carriers), with their names and power titles, for templates and the kind list. */
export async function unitsForKind(unitIds: readonly string[], kind: DisclosureKind) {
  const { registry } = await loadDisclosures();
  return registry.units
    .filter((u) => unitIds.includes(u.id) && publishesKind(kind, u.carrier))
    .map((u) => ({ id: u.id, name: u.name, powers: u.powers.map((p) => ({ title: p.title })) }));
}

/**
 * The ids of the disclosures published from files in content/ (every kind), never the stored ones this build
 * merged in: a new submission must not take a file's permalink (`store.disclosureId.inContent`), while a
 * stored id is the store's own business (`store.disclosureId.taken`, or a correction of it).
 */
export async function contentDisclosureIds(): Promise<ReadonlySet<string>> {
  const { items } = await loadDisclosures();
  return new Set(items.filter((i) => i.history === undefined).map((i) => i.id));
}

/** The power titles a unit's published matters name (a power list may not drop them: the build would fail). */
export async function mattersNamedPowers(unitId: string): Promise<ReadonlySet<string>> {
  const { items } = await loadDisclosures();
  return new Set(items.flatMap((i) => (i.kind === 'matter' && i.unit.id === unitId ? [i.data.power] : [])));
}
