import { listAccounts, unitNames as unitNamesRepo, type StaffAccount } from '../db/staff-repo.ts';
import type { StaffContext } from './context.ts';

/** Read-only lookups the staff pages need (pages do not import src/db). */
export const unitNames = (ctx: StaffContext, ids: readonly string[]): Promise<Map<string, string>> =>
  unitNamesRepo(ctx.database, ids);

export const allAccounts = (ctx: StaffContext): Promise<StaffAccount[]> => listAccounts(ctx.database);
