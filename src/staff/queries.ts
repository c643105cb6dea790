import { listAccountOverviews, unitNames as unitNamesRepo, type AccountOverview } from '../db/staff-repo.ts';
import { listUnits } from '../db/units-repo.ts';
import type { StaffContext } from './context.ts';

/** Read-only lookups the staff pages need (pages do not import src/db). */
export const unitNames = (ctx: StaffContext, ids: readonly string[]): Promise<Map<string, string>> =>
  unitNamesRepo(ctx.database, ids);

export type { AccountOverview };
/** Every account with its enrolment state and last successful login (the accounts console). */
export const accountOverviews = (ctx: StaffContext): Promise<AccountOverview[]> => listAccountOverviews(ctx.database);

/** Every unit, for the units field of the account forms. */
export const unitChoices = async (ctx: StaffContext): Promise<{ id: string; name: string; carrier: string }[]> =>
  (await listUnits(ctx.database, {}, { page: 1, pageSize: 10_000 })).rows.map((u) => ({
    id: u.id,
    name: u.name,
    carrier: u.carrier,
  }));
