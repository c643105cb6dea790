import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { TEST_NOW, testChannel } from '../support/channel.ts';
import { scoringSources } from '../support/scoring.ts';
import { withStatus } from '../support/outcome.ts';
import type { Database } from '../../src/db/client.ts';
import {
  recordGrades,
  recordMark,
  recordVeto,
  standardOf,
  unitScorecard,
  yearReport,
} from '../../src/services/scoring.ts';
import { consultationCounts, draftStandard, submitComment } from '../../src/services/consultation.ts';
import { satisfactionCounts, replyTimeliness } from '../../src/db/scoring-inputs-repo.ts';
import { listDeadlineFacts } from '../../src/db/feedback-repo.ts';
import { gradeHistory, listComments } from '../../src/db/scoring-repo.ts';
import { onTimeReplyRate } from '../../src/domain/feedback/deadlines.ts';
import { indicatorsFor } from '../../src/domain/scoring/standard.ts';

const sources = scoringSources(TEST_NOW);
const standard = standardOf(sources, 2026)!;
const count = async (database: Database, sql: string, args: (string | number)[] = []) =>
  Number((await database.client.execute({ sql, args })).rows[0]!.n);

describe('marks, vetoes and grades (a database without demo scoring data)', () => {
  let database: Database;
  let dispose: () => void;
  beforeAll(async () => {
    ({ database, dispose } = await freshDatabase());
  });
  afterAll(() => dispose());

  test.each([
    ['unknown unit', 'nope', { itemKey: 'C1' }, 404, null],
    ['unknown item', 'xixi-central-primary', { itemKey: 'Z9' }, 422, { itemKey: ['scoring.mark.itemKey.unknown'] }],
    [
      'another carrier’s indicator',
      'xixi-central-primary',
      { itemKey: 'V2' },
      422,
      { itemKey: ['scoring.mark.itemKey.unknown'] },
    ],
    [
      'unknown deduction',
      'xixi-central-primary',
      { itemKey: 'C1', deductions: [{ key: 'nope', count: 1 }] },
      422,
      { 'deductions.0.key': ['scoring.mark.deduction.unknown'] },
    ],
    [
      'boolean indicator without a finding',
      'xixi-central-primary',
      { itemKey: 'S7' },
      422,
      { value: ['scoring.mark.value.boolean'] },
    ],
    [
      'count indicator without a count',
      'xixi-central-primary',
      { itemKey: 'C3', value: true },
      422,
      // C3 counts two items (DOMAIN.md §4.3: lectures ≥ 1, warning education ≥ 2): the first missing one is named.
      { 'c.lectures': ['scoring.mark.value.count'] },
    ],
    [
      'count indicator with one of its two items',
      'xixi-central-primary',
      { itemKey: 'C3', value: { lectures: 1 } },
      422,
      { 'c.warningSessions': ['scoring.mark.value.count'] },
    ],
    [
      'points above the maximum',
      'xixi-central-primary',
      { itemKey: 'C6', points: 9 },
      422,
      { points: ['scoring.mark.points.tooHigh'] },
    ],
  ])('recordMark rejects %s without writing', async (_l, unit, raw, status, fields) => {
    const before = await count(database, 'SELECT count(*) AS n FROM audit_events');
    const r = await recordMark(database, standard, unit, raw, 'evaluator:test', TEST_NOW);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(withStatus(r).status).toBe(status);
      if (fields) expect('fields' in r ? r.fields : null).toEqual(fields);
    }
    expect(await count(database, 'SELECT count(*) AS n FROM evaluation_marks')).toBe(0);
    expect(await count(database, 'SELECT count(*) AS n FROM audit_events')).toBe(before);
  });

  test('marking every indicator completes a scorecard; each mark writes its audit row; grading is recorded once', async () => {
    const unit = 'qinglan-water';
    for (const { indicator } of indicatorsFor(standard, 'enterprise')) {
      const m = indicator.measure;
      const raw =
        m.kind === 'boolean'
          ? { itemKey: indicator.key, value: true }
          : m.kind === 'count'
            ? {
                itemKey: indicator.key,
                value: m.items ? Object.fromEntries(m.items.map((i) => [i.key, i.minimum])) : m.minimum,
              }
            : m.kind === 'mark'
              ? { itemKey: indicator.key }
              : { itemKey: indicator.key, points: indicator.points };
      expect(await recordMark(database, standard, unit, raw, 'evaluator:test', TEST_NOW)).toEqual({ ok: true });
    }
    // Replacing a mark keeps one row and adds an audit row.
    expect(
      await recordMark(
        database,
        standard,
        unit,
        { itemKey: 'Q1', deductions: [{ key: 'missingElement', count: 1, note: 'no training log' }] },
        'evaluator:test',
        TEST_NOW,
      ),
    ).toEqual({ ok: true });
    // 7 common + the 7 enterprise risk areas (DOMAIN.md §4.3).
    expect(await count(database, 'SELECT count(*) AS n FROM evaluation_marks WHERE unit_id = ?', [unit])).toBe(14);
    expect(
      await count(
        database,
        "SELECT count(*) AS n FROM audit_events WHERE action = 'evaluation.mark' AND subject_id = ?",
        [unit],
      ),
    ).toBe(15);
    const card = (await unitScorecard(database, standard, sources, unit))!.card;
    expect(card.complete).toBe(true);
    expect(card.total).toBe(98);
    expect(card.grade).toBe('pass'); // no satisfaction measured: never 示范 on an evaluator's mark
    expect(card.indicators.find((i) => i.key === 'Q1')!.deductions).toEqual([
      { key: 'missingElement', label: '缺少一项防控要素', count: 1, cents: 200, note: 'no training log' },
    ]);
    expect(await recordGrades(database, standard, sources, 'evaluator:test')).toBe(1);
    expect(await recordGrades(database, standard, sources, 'evaluator:test')).toBe(0);
  });

  test('a veto recorded after grading downgrades the unit in the same batch; the history keeps both grades', async () => {
    const unit = 'qinglan-water';
    expect(
      withStatus(
        await recordVeto(
          database,
          sources,
          unit,
          { vetoKey: 'kickbacks', occurredOn: '2026-02-01', source: 'case 1' },
          'evaluator:test',
        ),
      ),
    ).toMatchObject({ ok: false, status: 422, fields: { vetoKey: ['scoring.veto.key.unknown'] } });
    expect(
      withStatus(
        await recordVeto(
          database,
          sources,
          unit,
          { vetoKey: 'commercialBribery', occurredOn: 'yesterday', source: 'case 1' },
          'evaluator:test',
        ),
      ),
    ).toMatchObject({ ok: false, status: 422 });
    expect(
      await recordVeto(
        database,
        sources,
        unit,
        { vetoKey: 'commercialBribery', occurredOn: '2026-02-01', source: '青法〔演示〕1 号', note: null },
        'evaluator:test',
      ),
    ).toEqual({ ok: true });
    const history = await gradeHistory(database, unit);
    expect(history.map((h) => `${h.year}:${h.grade}/${h.reason}`)).toEqual(['2026:pass/graded', '2026:fail/veto']);
    expect(
      await count(
        database,
        "SELECT count(*) AS n FROM audit_events WHERE action IN ('evaluation.veto', 'evaluation.grade.veto') AND subject_id = ?",
        [unit],
      ),
    ).toBe(2);
    const card = (await unitScorecard(database, standard, sources, unit))!.card;
    expect([card.grade, card.unranked, card.vetoes[0]!.source]).toEqual(['fail', 'veto', '青法〔演示〕1 号']);
    // An event looks forward: the 2025 window (2024–2025) does not hold a 2026 event.
    const prev = (await yearReport(database, standardOf(sources, 2025)!, sources)).cards.find(
      (c) => c.unitId === unit,
    )!;
    expect(prev.vetoes).toEqual([]);
  });
});

describe('portal aggregates agree with the domain rules (demo channel data)', () => {
  let database: Database;
  let dispose: () => void;
  beforeAll(async () => {
    ({ database, dispose } = await freshDatabase({ demoChannel: true, now: TEST_NOW }));
  }, 120_000);
  afterAll(() => dispose());

  test('on-time replies per unit and year equal onTimeReplyRate over the same items', async () => {
    for (const year of [2025, 2026]) {
      const { answered, open } = await replyTimeliness(database, year);
      const report = await yearReport(database, standardOf(sources, year)!, sources);
      for (const card of report.cards) {
        const from = Date.UTC(year, 0, 1) - 8 * 3_600_000;
        const to = Date.UTC(year + 1, 0, 1) - 8 * 3_600_000;
        const facts = (await listDeadlineFacts(database, card.unitId)).filter(
          (f) => f.receivedAt.getTime() >= from && f.receivedAt.getTime() < to,
        );
        const expected = onTimeReplyRate(facts, TEST_NOW, sources.rules);
        const c5 = card.indicators.find((i) => i.key === 'C5')!;
        expect(
          { due: c5.measured?.denominator ?? 0, onTime: c5.measured?.numerator ?? 0 },
          `${card.unitId} ${year}`,
        ).toEqual({ due: expected.due, onTime: expected.onTime });
        expect(answered.has(card.unitId) || open.has(card.unitId) || expected.due === 0).toBe(true);
      }
    }
  });

  test('satisfaction counts leave out staff and count the headline question only', async () => {
    const counts = await satisfactionCounts(database, 2026);
    const rows = await database.client.execute(
      `SELECT r.unit_id AS unit, count(*) AS n FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id AND a.question_id = 'overall' WHERE r.relation <> 'staff' GROUP BY r.unit_id`,
    );
    expect(Object.fromEntries([...counts].map(([u, c]) => [u, c.n]))).toEqual(
      Object.fromEntries(rows.rows.map((r) => [r.unit, Number(r.n)])),
    );
    expect((await satisfactionCounts(database, 2025)).size).toBe(0);
  });
});

describe('consultation comments', () => {
  let database: Database;
  let dispose: () => void;
  beforeAll(async () => {
    ({ database, dispose } = await freshDatabase());
  });
  afterAll(() => dispose());
  const draft = draftStandard(sources.standards)!;

  test('valid comments are stored with an audit row; the public sees counts only', async () => {
    const ctx = testChannel(database);
    expect(
      await submitComment(
        ctx,
        draft,
        { indicatorKey: 'C6', body: '建议满意率分档再细一些（测试）' },
        { ip: '1.2.3.4' },
      ),
    ).toEqual({ ok: true });
    expect(
      await submitComment(
        ctx,
        draft,
        { indicatorKey: 'general', body: '总体意见：标准清楚（测试）' },
        { ip: '1.2.3.4' },
      ),
    ).toEqual({ ok: true });
    expect(Object.fromEntries(await consultationCounts(ctx, draft))).toEqual({ C6: 1, general: 1 });
    expect((await listComments(database, draft.year)).map((c) => c.indicatorKey).sort()).toEqual(['C6', 'general']);
    expect(await count(database, "SELECT count(*) AS n FROM audit_events WHERE action = 'consultation.comment'")).toBe(
      2,
    );
  });

  test.each([
    ['a filled honeypot', { indicatorKey: 'C6', body: '正常的意见内容（测试）', website: 'http://spam' }, 'website'],
    ['an unknown indicator', { indicatorKey: 'Z1', body: '正常的意见内容（测试）' }, 'indicatorKey'],
    ['a too short body', { indicatorKey: 'C6', body: '短' }, 'body'],
  ])('%s is a 422 naming the field', async (_l, raw, field) => {
    const r = await submitComment(testChannel(database), draft, raw, { ip: '5.6.7.8' });
    expect(withStatus(r)).toMatchObject({ ok: false, status: 422 });
    expect(Object.keys((r as { fields: object }).fields)).toEqual([field]);
  });

  test('the per-IP limit (10 an hour) is enforced in the insert batch', async () => {
    const ctx = testChannel(database, { limits: 'default' });
    const results = [];
    for (let i = 0; i < 11; i++)
      results.push(
        await submitComment(ctx, draft, { indicatorKey: 'C1', body: `第 ${i} 条测试意见内容` }, { ip: '9.9.9.9' }),
      );
    expect(results.slice(0, 10).every((r) => r.ok)).toBe(true);
    expect(withStatus(results[10]!)).toMatchObject({ ok: false, status: 429 });
    expect((await consultationCounts(ctx, draft)).get('C1')).toBe(10);
  });
});
