import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDatabase } from '../support/db.ts';
import type { Database } from '../../src/db/client.ts';
import { openItemsQuery, replyTimeliness } from '../../src/db/scoring-inputs-repo.ts';
import { markTextSql } from '../../src/db/schema.ts';

/**
 * The indexes yearly scoring reads from (issue 15, migration 0014_scoring_read_indexes): the unanswered items from
 * `feedback_unit_unanswered_by_year` in its own order (no sort of 100,000 rows at the bench size), counted in the
 * Beijing year of receipt to the millisecond; the marks' texts from `evaluation_marks_year_text`. The lifecycle
 * and the counts against the domain's rule are covered by scoring-aggregates.test.ts, the marks' values by
 * scoring-marks-read.test.ts.
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

const planOf = async (query: ReturnType<typeof sql>) =>
  (await database.db.all<{ detail: string }>(sql`EXPLAIN QUERY PLAN ${query}`)).map((r) => r.detail).join(' | ');

test('the marks of a year are read with their texts from the index (its expression spelled as markTextSql)', async () => {
  const query = sql`SELECT json_group_array(${sql.raw(markTextSql)}) FROM evaluation_marks WHERE year = ${2026}`;
  expect(await planOf(query)).toContain('USING INDEX evaluation_marks_year_text (year=?)');
  // The text comes from the index as a column: no printf or json_quote runs per mark.
  const program = await database.db.all<{ opcode: string; p4: string | null }>(sql`EXPLAIN ${query}`);
  expect(program.filter((op) => op.opcode === 'Function').map((op) => op.p4)).toEqual([]);
});

describe('unanswered items per Beijing year', () => {
  test('the query streams from the index by year, without a temporary B-tree for the GROUP BY', async () => {
    const plan = await planOf(openItemsQuery(2026));
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
