import { readChain, verifyChain, type ChainReport, type ChainRow } from '../db/audit-chain.ts';
import { countOutbox, type OutboxCounts } from '../db/outbox-repo.ts';
import type { StaffContext } from './context.ts';

/**
 * The chain's state and the newest rows, for the admin's audit page, with the notification outbox's counts
 * (notifications given up after their last attempt show there).
 */
export async function auditOverview(
  ctx: StaffContext,
  limit: number,
): Promise<{ report: ChainReport; recent: ChainRow[]; outbox: OutboxCounts }> {
  const rows = await readChain(ctx.database.client);
  return { report: verifyChain(rows), recent: rows.slice(-limit).reverse(), outbox: await countOutbox(ctx.database) };
}
