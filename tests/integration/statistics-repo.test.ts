import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import type { Database } from '../../src/db/client.ts';
import { insertFeedback } from '../../src/db/feedback-repo.ts';
import { feedbackCounts, listTownships, replyFacts } from '../../src/db/statistics-repo.ts';
import {
  feedbackMonthsDataset,
  feedbackTownshipsDataset,
  replyTimesDataset,
} from '../../src/site/statistics/portal.ts';
import { cellsOf } from '../../src/domain/statistics/table.ts';
import { defaultFeedbackRules } from '../support/calendar.ts';
import { routeOf, type FeedbackKind } from '../../src/domain/feedback/schema.ts';

/**
 * The statistics aggregates on a real migrated database: month boundaries in Beijing time, misconduct
 * reports left out, and no text or code columns read.
 */
let database: Database;
let dispose: () => void;
let seq = 0;

async function add(kind: FeedbackKind, unitId: string, receivedAt: string) {
  seq += 1;
  const r = await insertFeedback(
    database,
    {
      id: `stat-${seq}`,
      trackingCode: `STAT${String(seq).padStart(8, '0')}`,
      secretHash: 'x'.repeat(64),
      idempotencyKey: `stat-key-${seq}-0000000000`,
      payloadHash: 'y'.repeat(64),
      kind,
      routedTo: routeOf(kind),
      unitId,
      disclosureId: null,
      body: '演示数据：统计测试',
      meal: null,
      suggestion: null,
      publicConsent: false,
      receivedAt: new Date(receivedAt),
    },
    { rateHits: [], now: new Date(receivedAt) },
  );
  expect(r.ok).toBe(true);
}

beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  // 2026-01-31 17:00 UTC is 2026-02-01 01:00 in Beijing: a February item.
  await add('complaint', 'xixi-central-primary', '2026-01-31T17:00:00Z');
  await add('complaint', 'xixi-central-primary', '2026-01-31T15:59:59Z');
  for (let i = 0; i < 6; i++) await add('suggestion', 'hetang-village', `2026-02-0${i + 2}T02:00:00Z`);
  await add('misconductReport', 'hetang-village', '2026-02-10T02:00:00Z');
});
afterAll(() => dispose());

describe('statistics-repo', () => {
  test('counts by Beijing month, kind, carrier and township', async () => {
    const rows = await feedbackCounts(database);
    const find = (month: string, kind: string) =>
      rows.filter((r) => r.month === month && r.kind === kind).reduce((a, r) => a + r.n, 0);
    expect(find('2026-01', 'complaint')).toBe(1);
    expect(find('2026-02', 'complaint')).toBe(1);
    expect(find('2026-02', 'suggestion')).toBe(6);
    expect(rows.find((r) => r.kind === 'suggestion')).toMatchObject({ carrier: 'village', townshipId: 'nanhu' });
    // Only aggregate columns come back.
    expect(Object.keys(rows[0]!).toSorted()).toEqual(['carrier', 'kind', 'month', 'n', 'townshipId']);
  });

  test('the monthly dataset leaves misconduct reports out and suppresses the small cells', async () => {
    const d = feedbackMonthsDataset(await feedbackCounts(database), {
      computedAt: '2026-03-01T00:00:00Z',
      currentMonth: '2026-03',
      demo: false,
    });
    const table = d.tables[0]!;
    expect(table.rows.map((r) => r.key)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(table.columns.map((c) => c.key)).not.toContain('misconductReport');
    const feb = table.rows[1]!;
    const at = (key: string) => feb.cells[table.columns.findIndex((c) => c.key === key)];
    // 6 suggestions and 1 complaint; total 7 published: the 1 is hidden, and so is the 6 (else 7 − 6 = 1).
    expect(at('complaint')).toEqual({ kind: 'suppressed' });
    expect(at('suggestion')).toEqual({ kind: 'suppressed' });
    expect(at('total')).toEqual({ kind: 'count', n: 7 });
    // March had nothing: a real 0, not missing.
    const total = table.columns.findIndex((c) => c.key === 'total');
    expect(table.rows[2]!.cells[total]).toEqual({ kind: 'count', n: 0 });
    // No month a year earlier was recorded, and March is in progress: no year-on-year figure (DOMAIN.md §5.5);
    // January's total (1) is suppressed, and so is its change.
    expect(table.rows.map((r) => r.cells.at(-1))).toEqual([
      { kind: 'yoy', change: { kind: 'suppressed' } },
      { kind: 'yoy', change: { kind: 'missing' } },
      { kind: 'yoy', change: { kind: 'missing' } },
    ]);
    for (const { cell } of cellsOf(d.tables)) if ('n' in cell) expect(cell.n === 0 || cell.n >= 5).toBe(true);
  });

  test('townships come from the database in display order; reply facts cover unit items only', async () => {
    const townships = await listTownships(database);
    expect(townships.map((t) => t.id)).toEqual(['dongling', 'xixi', 'nanhu', 'beitang']);
    const d = feedbackTownshipsDataset(await feedbackCounts(database), townships, {
      computedAt: '2026-03-01T00:00:00Z',
      currentMonth: '2026-03',
      demo: false,
    });
    expect(d.tables[0]!.rows.map((r) => r.label)).toEqual(townships.map((t) => t.name));
    const facts = await replyFacts(database);
    expect(facts).toHaveLength(8);
    expect(facts.every((f) => f.routedTo === 'unit')).toBe(true);
    const reply = replyTimesDataset(facts, {
      computedAt: '2026-06-01T00:00:00Z',
      currentMonth: '2026-06',
      demo: false,
      now: new Date('2026-06-01T00:00:00Z'),
      rules: defaultFeedbackRules,
    });
    const all = reply.tables[1]!.rows.find((r) => r.key === 'all')!;
    // 8 received, none answered (no median), all 8 overdue for acknowledgement: on-time 0 of 8, flagged.
    expect(all.cells[0]).toEqual({ kind: 'count', n: 8 });
    expect(all.cells[1]).toEqual({ kind: 'none' });
    expect(all.cells[2]).toMatchObject({ kind: 'rate', rate: 0, n: 8, smallSample: true });
  });
});
