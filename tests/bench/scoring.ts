import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.ts';
import { CONTENT_DIR } from '../../src/content/files.ts';
import { readStandards } from '../../src/content/standards-files.ts';
import { defaultFeedbackRules } from '../support/calendar.ts';
import { indicatorsFor, type Standard } from '../../src/domain/scoring/standard.ts';
import { scoreUnit } from '../../src/domain/scoring/scorecard.ts';
import { passRates, rankScorecards } from '../../src/domain/scoring/ranking.ts';
import { unitCarriers } from '../../src/domain/units/schema.ts';
import { yearInputs, type ScoringSources } from '../../src/services/scoring.ts';
import type { Benchmark, Measurement, Target } from './harness.ts';

/**
 * Scoring benchmark (issues 6 and 15): by default the target size of issue 15, 10,000 units × 41 indicators
 * over 5,000,000 survey answers and 1,000,000 feedback items in a temporary libSQL file
 * (`BENCH_SCORING_SCALE=small`: issue 6's 2,000 units, 1,000,000 answers, 100,000 feedback items). The subject
 * is a full year's scoring through the service the pages use: aggregation queries (satisfaction, reply
 * timeliness, marks, vetoes) then interpretation of the standard for every unit, ranking and pass rates; the
 * two phases are reported separately. The baseline is a bare `SELECT count(*)` scan of the same two tables,
 * measured in the same run. Aim: < 1 s in total at the target size.
 */
export interface ScoringSize {
  units: number;
  answers: number;
  feedback: number;
}
export const TARGET_SIZE: ScoringSize = { units: 10_000, answers: 5_000_000, feedback: 1_000_000 };
const SMALL_SIZE: ScoringSize = { units: 2_000, answers: 1_000_000, feedback: 100_000 };

/** The size BENCH_SCORING_SCALE asks for: `target` (the default) or `small`. */
export function scoringSize(scale = process.env.BENCH_SCORING_SCALE ?? 'target'): ScoringSize {
  if (scale === 'target') return TARGET_SIZE;
  if (scale === 'small') return SMALL_SIZE;
  throw new Error(`BENCH_SCORING_SCALE must be "target" or "small", not ${JSON.stringify(scale)}`);
}

export const isTargetSize = (s: ScoringSize): boolean =>
  s.units >= TARGET_SIZE.units && s.answers >= TARGET_SIZE.answers && s.feedback >= TARGET_SIZE.feedback;

const SIZE = scoringSize();
const { units: UNITS, answers: ANSWERS, feedback: FEEDBACK } = SIZE;
const YEAR = 2026;
/** Unit ids u00000 …: zero-padded to the width of the largest one so that they sort as numbers. */
const ID_WIDTH = String(UNITS - 1).length;
const unitIdSql = (i: string) => `printf('u%0${ID_WIDTH}d', ${i})`;

async function fill(database: Database, standard: Standard): Promise<void> {
  const run = (sql: string) => database.client.execute(sql);
  // The generator writes a few GB of B-tree pages in a handful of statements: with the default 2 MB page cache
  // the scattered index inserts (by unit) thrash it. A large cache for the fill only (one connection, so the
  // pragma holds for it); the measured runs use the cache size the server uses.
  const cacheSize = (await database.client.execute('PRAGMA cache_size')).rows[0]![0] as number;
  await run('PRAGMA cache_size = -1000000');
  const carrierOf = (i: string) =>
    `CASE (${i}) % 5 WHEN 0 THEN 'agency' WHEN 1 THEN 'school' WHEN 2 THEN 'village' WHEN 3 THEN 'enterprise' ELSE 'hospital' END`;
  await run(`INSERT INTO townships (id, name, display_order) VALUES ('bench', 'bench', 0)`);
  await run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${UNITS - 1})
    INSERT INTO units (id, name, carrier, township_id, lead_department, demo, updated_at)
    SELECT ${unitIdSql('i')}, printf('unit %d', i), ${carrierOf('i')}, 'bench', 'bench', 0, 0 FROM n`);
  for (const c of unitCarriers) {
    await run(
      `INSERT INTO surveys (id, carrier, period_label, opens_on, closes_on, question_ids, demo, created_at) VALUES ('${c}-bench', '${c}', 'bench', '${YEAR}-03-01', '${YEAR}-06-30', '["overall"]', 0, 0)`,
    );
  }
  // One response per answer, each with one headline answer; every 20th from the unit's own staff (excluded).
  await run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ANSWERS - 1})
    INSERT INTO survey_responses (id, survey_id, unit_id, voter_key, via, relation, submitted_on)
    SELECT printf('r%07d', i), ${carrierOf(`i % ${UNITS}`)} || '-bench', ${unitIdSql(`i % ${UNITS}`)}, printf('v%07d', i), 'invitation',
      CASE WHEN i % 20 = 0 THEN 'staff' ELSE 'parent' END, '${YEAR}-03-02' FROM n`);
  await run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ANSWERS - 1})
    INSERT INTO survey_answers (response_id, question_id, answer)
    SELECT printf('r%07d', i), 'overall',
      CASE (i * 7919 + i / ${UNITS}) % 10 WHEN 8 THEN 'notVerySatisfied' WHEN 9 THEN 'unsure' WHEN 7 THEN 'fairlySatisfied' ELSE 'satisfied' END FROM n`);
  // The running tallies insertResponse keeps with every response (here built at once, as the migration does).
  await run(`INSERT INTO survey_tallies (survey_id, unit_id, question_id, answer, relation, n)
    SELECT r.survey_id, r.unit_id, a.question_id, a.answer, r.relation, count(*)
    FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
    GROUP BY r.survey_id, r.unit_id, a.question_id, a.answer, r.relation`);
  // Feedback items across the year: most answered (some late), every 10th still open.
  const start = Date.UTC(YEAR, 0, 1);
  await run(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${FEEDBACK - 1})
    INSERT INTO feedback_items (id, tracking_code, secret_hash, idempotency_key, payload_hash, kind, routed_to, unit_id, state, received_at, accepted_at, first_answered_at, first_answer_due_at, replied_at)
    SELECT printf('f%06d', i), printf('T%06d', i), 'x', printf('k%06d', i), 'x', 'complaint', 'unit', ${unitIdSql(`i % ${UNITS}`)},
      CASE WHEN i % 10 = 0 THEN 'accepted' ELSE 'replied' END,
      ${start} + (i % 300) * 86400000,
      ${start} + (i % 300) * 86400000 + 86400000,
      CASE WHEN i % 10 = 0 THEN NULL ELSE ${start} + (i % 300) * 86400000 + (i % 70) * 86400000 END,
      CASE WHEN i % 10 = 0 THEN NULL ELSE ${start} + (i % 300) * 86400000 + 61 * 86400000 END,
      CASE WHEN i % 10 = 0 THEN NULL ELSE ${start} + (i % 300) * 86400000 + (i % 70) * 86400000 END
    FROM n`);
  // Evaluator marks for every on-site indicator of every unit (what a finished assessment year holds).
  const values: string[] = [];
  for (let u = 0; u < UNITS; u++) {
    const unitId = `u${String(u).padStart(ID_WIDTH, '0')}`;
    for (const { indicator } of indicatorsFor(standard, unitCarriers[u % 5]!)) {
      const m = indicator.measure;
      // A count with several items (C3: 廉政党课 ≥ 1, 警示教育 ≥ 2) is marked as one count per item.
      const count =
        m.kind === 'count'
          ? m.items
            ? JSON.stringify(Object.fromEntries(m.items.map((i) => [i.key, i.minimum])))
            : String(m.minimum ?? 1)
          : 'null';
      const value = m.kind === 'boolean' ? 'true' : count;
      const points = m.kind === 'ratio' || m.kind === 'bands' ? String(indicator.points * 0.9) : 'null';
      const deductions =
        m.kind === 'mark' && indicator.deductions[0] && u % 3 === 0
          ? `[{"key":"${indicator.deductions[0].key}","count":1}]`
          : '[]';
      values.push(
        `('${unitId}:${YEAR}:${indicator.key}', '${unitId}', ${YEAR}, '${indicator.key}', ${value === 'null' ? 'NULL' : `'${value}'`}, ${points === 'null' ? 'NULL' : points}, '${deductions}', NULL, 'bench', 0, 0)`,
      );
    }
  }
  for (let i = 0; i < values.length; i += 2_000) {
    await run(
      `INSERT INTO evaluation_marks (id, unit_id, year, item_key, value, points, deductions, note, evaluator, recorded_at, demo) VALUES ${values.slice(i, i + 2_000).join(',')}`,
    );
  }
  await run(
    `INSERT INTO veto_events (id, unit_id, veto_key, occurred_on, source, recorded_by, recorded_at) SELECT 'veto-' || id, id, 'caseFiled', '${YEAR}-05-01', 'bench', 'bench', 0 FROM units WHERE rowid % 50 = 0`,
  );
  await run('ANALYZE');
  await run(`PRAGMA cache_size = ${String(cacheSize)}`);
}

export interface ScoringRun {
  aggregationMs: number;
  interpretationMs: number;
  totalMs: number;
  /** CPU time of this process over the run (user + system): what the wall time is on an idle machine, roughly. */
  cpuMs: number;
  cards: number;
}

/** One year's scoring, timed in its two phases. */
export async function scoreOnce(database: Database, standard: Standard, sources: ScoringSources): Promise<ScoringRun> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const rows = await yearInputs(database, standard.year, sources);
  const t1 = performance.now();
  const cards = rows.map(({ input }) => scoreUnit(standard, input));
  for (const c of unitCarriers) rankScorecards(cards.filter((x) => x.carrier === c));
  passRates(standard.year, cards, unitCarriers);
  const t2 = performance.now();
  const used = process.cpuUsage(cpu);
  return {
    aggregationMs: t1 - t0,
    interpretationMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (used.user + used.system) / 1000,
    cards: cards.length,
  };
}

const oneShot = (ms: number, loadCpu: number): Measurement => ({
  rate: 1000 / ms,
  p50: ms,
  p99: ms,
  count: 1,
  failures: 0,
  targetCpu: null,
  loadCpu,
  otherCpu: null,
});

let prepared: Promise<{ database: Database; standard: Standard; sources: ScoringSources; cleanup(): void }> | undefined;
function prepare(log: (line: string) => void) {
  prepared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-bench-scoring-'));
    const database = await openDatabase({ url: `file:${join(dir, 'bench.db')}` });
    await migrateDatabase(database);
    const standard = readStandards(CONTENT_DIR)
      .map((f) => f.standard)
      .find((s) => s.year === YEAR && s.status === 'adopted')!;
    const t0 = performance.now();
    await fill(database, standard);
    log(
      `  generated ${UNITS} units, ${ANSWERS.toLocaleString('en-US')} survey answers, ${FEEDBACK.toLocaleString('en-US')} feedback items in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const sources: ScoringSources = {
      standards: [standard],
      content: new Map(),
      now: new Date(Date.UTC(YEAR, 11, 31)),
      rules: defaultFeedbackRules,
    };
    return {
      database,
      standard,
      sources,
      cleanup: () => {
        database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })();
  return prepared;
}

export function scoringBenchmark(log: (line: string) => void): Benchmark {
  const target = (fn: () => Promise<Measurement>, stop: () => Promise<void>): Target => ({ measure: fn, stop });
  return {
    name: `scoring ${UNITS.toLocaleString('en-US')} units`,
    baseline: 'bare count(*) scans of survey_answers + feedback_items',
    subject: 'aggregation + interpretation of 41 indicators',
    unit: 'runs/s',
    startBaseline: async () => {
      const p = await prepare(log);
      return target(
        async () => {
          const cpu = process.cpuUsage();
          const t0 = performance.now();
          await p.database.client.execute('SELECT count(*) FROM survey_answers');
          await p.database.client.execute('SELECT count(*) FROM feedback_items');
          const ms = performance.now() - t0;
          return oneShot(ms, cpuPercent(cpu, ms));
        },
        async () => undefined,
      );
    },
    startSubject: async () => {
      const p = await prepare(log);
      return target(
        async () => {
          const cpu = process.cpuUsage();
          const r = await scoreOnce(p.database, p.standard, p.sources);
          log(
            `    scoring: ${r.cards} scorecards; aggregation queries ${r.aggregationMs.toFixed(0)} ms, interpretation ${r.interpretationMs.toFixed(0)} ms, total ${r.totalMs.toFixed(0)} ms (aim < 1000 ms); cpu ${r.cpuMs.toFixed(0)} ms; load average ${loadavg()[0]!.toFixed(2)}`,
          );
          return oneShot(r.totalMs, cpuPercent(cpu, r.totalMs));
        },
        async () => {
          p.cleanup();
          prepared = undefined;
        },
      );
    },
  };
}

function cpuPercent(since: NodeJS.CpuUsage, ms: number): number {
  const d = process.cpuUsage(since);
  return ((d.user + d.system) / 1000 / ms) * 100;
}

if (import.meta.main) {
  const p = await prepare((l) => process.stdout.write(`${l}\n`));
  for (let i = 0; i < 3; i++) {
    const r = await scoreOnce(p.database, p.standard, p.sources);
    process.stdout.write(
      `aggregation ${r.aggregationMs.toFixed(0)} ms, interpretation ${r.interpretationMs.toFixed(0)} ms, total ${r.totalMs.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms (${r.cards} scorecards; load average ${loadavg()[0]!.toFixed(2)})\n`,
    );
  }
  if (process.env.BENCH_KEEP) process.stdout.write(`kept ${p.database.url}\n`);
  else p.cleanup();
}
