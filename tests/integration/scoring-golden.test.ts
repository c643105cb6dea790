import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { TEST_NOW } from '../support/channel.ts';
import { scoringSources } from '../support/scoring.ts';
import { adoptedStandards, yearReport } from '../../src/services/scoring.ts';
import { yearCsv, yearJson } from '../../src/site/scoring/export.ts';
import type { Database } from '../../src/db/client.ts';

/**
 * Golden scorecards of the demo city (acceptance 2): the demo seed at a fixed clock, the real standards and
 * content. A rule, standard or demo-data change must update these files in the same commit:
 *   UPDATE_GOLDEN=1 npx vitest run --config tests/vitest.config.ts tests/integration/scoring-golden.test.ts
 * and the diff is reviewed like code.
 */
const GOLDEN = (name: string) => fileURLToPath(new URL(`../fixtures/golden/${name}`, import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ demoChannel: true, now: TEST_NOW }));
}, 120_000);
afterAll(() => dispose());

const sources = scoringSources(TEST_NOW);

function pin(name: string, actual: string) {
  if (update || !existsSync(GOLDEN(name))) {
    if (!update) throw new Error(`missing golden file ${name}; run with UPDATE_GOLDEN=1`);
    writeFileSync(GOLDEN(name), actual);
  }
  expect(actual).toBe(readFileSync(GOLDEN(name), 'utf8'));
}

describe('golden scorecards of the demo city', () => {
  test.each(adoptedStandards(sources).map((s) => [s.year, s] as const))(
    '%i: JSON and CSV match the pinned files',
    async (year, standard) => {
      const report = await yearReport(database, standard, sources);
      pin(`scorecards-${year}.json`, `${JSON.stringify(yearJson(report), null, 2)}\n`);
      pin(`scorecards-${year}.csv`, yearCsv(report));
    },
  );

  test('the same inputs give the same scorecards (computed twice)', async () => {
    const standard = adoptedStandards(sources).at(-1)!;
    expect(yearJson(await yearReport(database, standard, sources))).toEqual(
      yearJson(await yearReport(database, standard, sources)),
    );
  });

  test('the demo year has every grade, a veto, a downgrade kept in history, and 样本不足 units outside the ranking', async () => {
    const standard = adoptedStandards(sources).at(-1)!;
    const report = await yearReport(database, standard, sources);
    expect(new Set(report.cards.map((c) => c.grade))).toEqual(new Set(['model', 'pass', 'fail', 'pending']));
    const insufficient = report.ranking.filter((r) => r.card.unranked === 'insufficientSample');
    expect(insufficient.length).toBeGreaterThan(0);
    expect(
      insufficient.every(
        (r) =>
          r.rank === null &&
          r.card.indicators.some((i) => i.measured?.source === 'satisfaction' && i.status !== 'scored'),
      ),
    ).toBe(true);
    const history = await database.client.execute({
      sql: 'SELECT grade, reason FROM grade_records WHERE unit_id = ? AND year = ? ORDER BY id',
      args: ['qinglan-peoples-hospital', standard.year],
    });
    expect(history.rows.map((r) => `${String(r.grade)}/${String(r.reason)}`)).toEqual(['pass/graded', 'fail/veto']);
    expect(report.cards.find((c) => c.unitId === 'qinglan-peoples-hospital')?.vetoes.map((v) => v.key)).toEqual([
      'kickbacks',
    ]);
  });

  test('every lost point names its rule, and its evidence or deduction', async () => {
    const standard = adoptedStandards(sources).at(-1)!;
    for (const card of (await yearReport(database, standard, sources)).cards) {
      for (const i of card.indicators) {
        expect(i.rule.key).toMatch(/^scoring\.rule\./);
        if (i.points !== null && i.points < i.max) {
          const explained = i.deductions.length > 0 || i.measured !== null || i.evidence.length > 0 || i.note !== null;
          expect(explained, `${card.unitId} ${i.key}`).toBe(true);
        }
      }
    }
  });
});
