import { readChain, verifyChain, type ChainReport, type ChainRow } from '../db/audit-chain.ts';
import { countContactReveals } from '../db/staff-feedback-repo.ts';
import type { StaffContext } from './context.ts';

/** The chain's state, the newest rows and the number of call-backs (contact reveals), for the admin's audit page. */
export async function auditOverview(
  ctx: StaffContext,
  limit: number,
): Promise<{ report: ChainReport; recent: ChainRow[]; reveals: number }> {
  const [rows, reveals] = await Promise.all([readChain(ctx.database.client), countContactReveals(ctx.database)]);
  return { report: verifyChain(rows), recent: rows.slice(-limit).reverse(), reveals };
}
