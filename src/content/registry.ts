import { getCollection } from 'astro:content';
import { unitCarriers, type UnitCarrier } from '../domain/units/schema.ts';
import { type ListedUnit } from '../domain/units/filter.ts';

/** The unit registry as pages use it (Astro collections adapter; validation happened at load). */
export async function loadRegistry() {
  const [townshipEntries, unitEntries, familyEntries, powerEntries] = await Promise.all([
    getCollection('townships'),
    getCollection('units'),
    getCollection('families'),
    getCollection('powerListHistory'),
  ]);
  const townships = townshipEntries.map((e) => ({ ...e.data, id: e.id })).toSorted((a, b) => a.order - b.order);
  const townshipIds = new Set(townships.map((t) => t.id));
  const units: ListedUnit[] = unitEntries.map((e) => {
    if (!townshipIds.has(e.data.township)) {
      throw new Error(`content/units/${e.id}.yaml › township: unknown township "${e.data.township}"`);
    }
    return { ...e.data, id: e.data.id ?? e.id };
  });
  const families = familyEntries.map((e) => e.data);
  const townshipName = (id: string) => townships.find((t) => t.id === id)?.name ?? id;
  const powerHistories = new Map(powerEntries.map((e) => [e.id, e.data]));
  /** The approved versions of a unit's power list from the disclosure store, or undefined (content/'s list). */
  const powerHistoryOf = (unitId: string) => powerHistories.get(unitId);
  return { townships, units, families, townshipName, powerHistoryOf, powerHistories: [...powerHistories.values()] };
}

export const carrierOrder: readonly UnitCarrier[] = unitCarriers;
