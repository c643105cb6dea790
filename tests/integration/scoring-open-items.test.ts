import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDatabase } from '../support/db.ts';
import type { Database } from '../../src/db/client.ts';
import { openItemsQuery, replyTimeliness } from '../../src/db/scoring-inputs-repo.ts';

/**
 * The unanswered items scoring reads per year (issue 15): from the index `feedback_unit_unanswered_by_year` in its
 * own order (no sort of 100,000 rows at the bench size), and counted in the Beijing year of receipt to the
 * millisecond. The lifecycle and the counts against the domain's rule are covered by scoring-aggregates.test.ts.
 */
let database: Database;
let dispose: () => void;
let unit: string;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  unit = String((await database.client.execute('SELECT id FROM units ORDER BY id LIMIT 1')).rows[0]![0]);
}, 120_000);
afterAll(() => dispose());

let n = 0;
async function insertOpenItem(receivedAt: number, routedTo = 'unit') {
  n++;
  await database.client.execute({
    sql: `INSERT INTO feedback_items (id, tracking_code, secret_hash, idempotency_key, payload_hash, kind, routed_to,
      unit_id, state, received_at) VALUES (?, ?, 'x', ?, 'x', 'complaint', ?, ?, 'received', ?)`,
    args: [`open-${n}`, `T-open-${n}`, `k-open-${n}`, routedTo, unit, receivedAt],
  });
}

const openCount = async (year: number) =>
  ((await replyTimeliness(database, year)).open.get(unit) ?? []).reduce((s, g) => s + g.n, 0);

describe('unanswered items per Beijing year', () => {
  test('the query streams from the index by year, without a temporary B-tree for the GROUP BY', async () => {
    const plan = (await database.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${openItemsQuery(2026)}`))
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toContain('USING COVERING INDEX feedback_unit_unanswered_by_year (<expr>=?)');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  test('an item counts in the Beijing year of its receipt, to the millisecond', async () => {
    // 2027-01-01 00:00 Beijing is 2026-12-31T16:00Z.
    const newYear = Date.UTC(2026, 11, 31, 16);
    const before = [await openCount(2025), await openCount(2026), await openCount(2027)];
    await insertOpenItem(newYear - 1);
    await insertOpenItem(newYear);
    await insertOpenItem(newYear + 1);
    // 2026-01-01 00:00 Beijing.
    await insertOpenItem(Date.UTC(2025, 11, 31, 16));
    await insertOpenItem(Date.UTC(2025, 11, 31, 16) - 1);
    // Routed to the commission: not the unit's.
    await insertOpenItem(newYear - 10, 'commission');
    const after = [await openCount(2025), await openCount(2026), await openCount(2027)];
    expect(after.map((x, i) => x - before[i]!)).toEqual([1, 2, 2]);
  });
});
