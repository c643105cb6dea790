import { readChain, verifyChain, type ChainReport, type ChainRow } from '../db/audit-chain.ts';
import type { StaffContext } from './context.ts';

/** The chain's state and the newest rows, for the admin's audit page. */
export async function auditOverview(
  ctx: StaffContext,
  limit: number,
): Promise<{ report: ChainReport; recent: ChainRow[] }> {
  const rows = await readChain(ctx.database.client);
  return { report: verifyChain(rows), recent: rows.slice(-limit).reverse() };
}
