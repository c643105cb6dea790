import type { Database } from '../db/client.ts';
import { findUnit as findUnitRow, listUnits, type UnitRow } from '../db/units-repo.ts';
import type { UnitCarrier } from '../domain/units/schema.ts';

export type { UnitRow };

/** The most units a form's unit picker lists (the county has fewer). */
export const UNIT_CHOICES_MAX = 100;

/** The units a feedback form offers, optionally of one carrier, in the registry's stable order. */
export async function listUnitChoices(ctx: { database: Database }, carrier?: UnitCarrier): Promise<UnitRow[]> {
  return (await listUnits(ctx.database, carrier ? { carrier } : {}, { page: 1, pageSize: UNIT_CHOICES_MAX })).rows;
}

/** One unit of the registry mirror, or undefined. */
export async function findUnit(ctx: { database: Database }, id: string): Promise<UnitRow | undefined> {
  return findUnitRow(ctx.database, id);
}
