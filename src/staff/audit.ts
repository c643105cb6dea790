import { readChain, verifyChain, type ChainReport, type ChainRow } from '../db/audit-chain.ts';
import { countContactReveals } from '../db/staff-feedback-repo.ts';
import { countOutbox, type OutboxCounts } from '../db/outbox-repo.ts';
import type { StaffContext } from './context.ts';

/**
 * The chain's state, the newest rows, the number of call-backs (contact reveals) and the notification outbox's
 * counts (notifications given up after their last attempt show there), for the admin's audit page.
 */
export async function auditOverview(
  ctx: StaffContext,
  limit: number,
): Promise<{ report: ChainReport; recent: ChainRow[]; reveals: number; outbox: OutboxCounts }> {
  const [rows, reveals, outbox] = await Promise.all([
    readChain(ctx.database.client),
    countContactReveals(ctx.database),
    countOutbox(ctx.database),
  ]);
  return { report: verifyChain(rows), recent: rows.slice(-limit).reverse(), reveals, outbox };
}
