import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { feedbackItems, townships, units } from './schema.ts';
import { deadlineFactColumns } from './feedback-repo.ts';
import type { FeedbackKind } from '../domain/feedback/schema.ts';
import type { UnitCarrier } from '../domain/units/schema.ts';

/**
 * Aggregates for the statistics pages (src/site/statistics). Counting happens in SQL (GROUP BY), so a page
 * reads a few hundred rows whatever the number of items; no text, contact or code column is read.
 */

/** Beijing (UTC+8, no daylight saving) calendar month of a millisecond timestamp column. */
const beijingMonth = (column: typeof feedbackItems.receivedAt) =>
  sql<string>`strftime('%Y-%m', (${column} + 28800000) / 1000, 'unixepoch')`;

/** Feedback counts per month of receipt, kind, carrier and township. */
export async function feedbackCounts(
  database: Database,
): Promise<{ month: string; kind: FeedbackKind; carrier: UnitCarrier; townshipId: string; n: number }[]> {
  const month = beijingMonth(feedbackItems.receivedAt);
  return database.db
    .select({
      month,
      kind: feedbackItems.kind,
      carrier: units.carrier,
      townshipId: units.townshipId,
      n: sql<number>`count(*)`.mapWith(Number),
    })
    .from(feedbackItems)
    .innerJoin(units, eq(units.id, feedbackItems.unitId))
    .groupBy(month, feedbackItems.kind, units.carrier, units.townshipId);
}

/** The deadline facts of every item routed to a unit, with its carrier and month (no text, no codes). */
export async function replyFacts(database: Database) {
  return database.db
    .select({
      ...deadlineFactColumns,
      carrier: units.carrier,
      month: beijingMonth(feedbackItems.receivedAt),
    })
    .from(feedbackItems)
    .innerJoin(units, eq(units.id, feedbackItems.unitId))
    .where(eq(feedbackItems.routedTo, 'unit'));
}

export async function listTownships(database: Database): Promise<{ id: string; name: string; order: number }[]> {
  return database.db
    .select({ id: townships.id, name: townships.name, order: townships.order })
    .from(townships)
    .orderBy(asc(townships.order), asc(townships.id));
}

/** True when any demo record is in the database (the figures are then fictional). */
export async function hasDemoFeedback(database: Database): Promise<boolean> {
  const [row] = await database.db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(feedbackItems)
    .where(eq(feedbackItems.demo, true));
  return (row?.n ?? 0) > 0;
}
