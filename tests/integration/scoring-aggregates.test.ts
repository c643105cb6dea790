import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { freshDatabase } from '../support/db.ts';
import { testChannel } from '../support/channel.ts';
import { scoringSources } from '../support/scoring.ts';
import type { Database } from '../../src/db/client.ts';
import type { ChannelContext } from '../../src/services/context.ts';
import { actAsSubmitter, runStaffCommand, submitFeedback } from '../../src/services/feedback.ts';
import { submitSurveyResponse } from '../../src/services/surveys.ts';
import { createInvitationBatch } from '../../src/services/invitations.ts';
import { standardOf, yearInputs } from '../../src/services/scoring.ts';
import { findByTrackingCode, listDeadlineFacts } from '../../src/db/feedback-repo.ts';
import { routeToCommission } from '../../src/db/staff-feedback-repo.ts';
import { insertSurvey } from '../../src/db/surveys-repo.ts';
import { onTimeReplyRate } from '../../src/domain/feedback/deadlines.ts';
import { questionSets } from '../../src/domain/surveys/questions.ts';
import { respondentRelations, surveyAnswers } from '../../src/domain/surveys/schema.ts';

/**
 * The aggregates scoring reads instead of the records (issue 15): reply_tallies (kept by the triggers of
 * migration 0012_scoring_aggregates) and survey_tallies (kept by insertResponse) must equal a computation from
 * scratch over the records after any sequence of writes through the real services — feedback submitted,
 * accepted, extended, replied, closed, reopened by the submitter, routed to the commission, as the lifecycle
 * allows (refused commands change nothing), across days and a year boundary — and survey responses. The
 * scorecards' reply-timeliness and satisfaction rates must equal the domain's own rule over the same records.
 */
const SEED = 20261203;
const UNITS = ['hetang-village', 'liuwan-village', 'xixi-central-primary', 'natural-resources-bureau'] as const;
const SCHOOL = 'xixi-central-primary';

let database: Database;
let dispose: () => void;
const baseSources = scoringSources(new Date('2026-01-01T00:00:00Z'));
const sourcesAt = (at: Date) => ({ ...baseSources, now: at });
let now = new Date('2025-11-20T02:00:00Z');
let ctx: ChannelContext;
const items: { id: string; code: string; secret: string }[] = [];
const SURVEYS = [
  { id: 'school-2025', opensOn: '2025-09-01', closesOn: '2026-06-30', codes: [] as string[] },
  { id: 'school-2026', opensOn: '2026-01-05', closesOn: '2026-12-31', codes: [] as string[] },
  // A second survey of the same unit in the same year: satisfaction sums both (read survey by survey).
  { id: 'school-2026-autumn', opensOn: '2026-09-01', closesOn: '2026-12-31', codes: [] as string[] },
];
/** The clock moves forward up to here (the surveys and the two assessed years). */
const LAST = new Date('2026-12-28T02:00:00Z');

beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  ctx = testChannel(database, { now: () => now });
  for (const survey of SURVEYS) {
    const { id, opensOn, closesOn } = survey;
    await insertSurvey(
      database,
      {
        id,
        carrier: 'school',
        periodLabel: id,
        opensOn,
        closesOn,
        questionIds: [...questionSets.school],
        publishedAt: now,
      },
      now,
    );
    survey.codes = (await createInvitationBatch(ctx, { surveyId: id, unitId: SCHOOL, size: 150, label: 'test' })).codes;
  }
}, 120_000);
afterAll(() => dispose());

const op = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('submit' as const), unit: fc.constantFrom(...UNITS) }), weight: 4 },
  {
    arbitrary: fc.record({
      op: fc.constant('staff' as const),
      pick: fc.nat(),
      action: fc.constantFrom('accept', 'accept', 'reply', 'reply', 'extend', 'close'),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ op: fc.constant('reopen' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('route' as const), pick: fc.nat() }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('days' as const), days: fc.integer({ min: 1, max: 40 }) }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('survey' as const),
      which: fc.nat(),
      relation: fc.constantFrom(...respondentRelations),
      overall: fc.constantFrom(...surveyAnswers),
    }),
    weight: 2,
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

async function apply(o: Op): Promise<void> {
  const client = { ip: '192.0.2.20' };
  const item = 'pick' in o && items.length ? items[o.pick % items.length] : undefined;
  switch (o.op) {
    case 'submit': {
      const r = await submitFeedback(
        ctx,
        { kind: 'complaint', unitId: o.unit, body: '村务公开栏三个月没有更新了', publicConsent: false },
        client,
      );
      if (!r.ok) throw new Error(`submit refused: ${JSON.stringify(r)}`);
      const code = r.receipt.trackingCode.replace(/-/g, '');
      items.push({ id: (await findByTrackingCode(database, code))!.record.id, code, secret: r.receipt.secret });
      return;
    }
    case 'staff': {
      if (!item) return;
      const command =
        o.action === 'reply'
          ? { action: 'reply', body: '已核实并整改，公开栏已更新。' }
          : o.action === 'extend'
            ? { action: 'extend', days: 15, reason: '需要现场核实' }
            : o.action === 'close'
              ? { action: 'close', reason: '不属于受理范围' }
              : { action: o.action };
      // Commands the lifecycle refuses (replying before accepting …) are refused and change nothing.
      await runStaffCommand(ctx, item.id, command, 'staff');
      return;
    }
    case 'reopen':
      if (item) await actAsSubmitter(ctx, item.code, 'reopen', { secret: item.secret, reason: '问题没有解决' }, client);
      return;
    case 'route': {
      const found = item ? await findByTrackingCode(database, item.code) : null;
      if (found && found.record.routedTo === 'unit')
        await routeToCommission(database, found.record, { accountId: 'test', reason: '涉及干部作风', at: now });
      return;
    }
    case 'days':
      now = new Date(Math.min(LAST.getTime(), now.getTime() + o.days * 86_400_000));
      return;
    case 'survey': {
      const today = new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      const open = SURVEYS.filter((x) => x.opensOn <= today && today <= x.closesOn && x.codes.length > 0);
      const survey = open[o.which % Math.max(1, open.length)];
      if (!survey) return;
      const [surveyId, invitationCode] = [survey.id, survey.codes.shift()!];
      const answers = Object.fromEntries(questionSets.school.map((q) => [q, q === 'overall' ? o.overall : 'unsure']));
      const r = await submitSurveyResponse(ctx, surveyId, { invitationCode, relation: o.relation, answers }, client);
      if (!r.ok) throw new Error(`survey response refused: ${JSON.stringify(r)}`);
      return;
    }
  }
}

const rows = async (query: string) =>
  (await database.client.execute(query)).rows.map((r) => Object.values(r).map((v) => (v === null ? null : String(v))));

/** reply_tallies without the rows that fell back to 0, and the same counts from every item. */
async function replyCounters() {
  const kept = await rows('SELECT unit_id, year, due, on_time FROM reply_tallies WHERE due > 0 ORDER BY unit_id, year');
  const scratch = await rows(`
    SELECT unit_id, CAST(strftime('%Y', (received_at + 28800000) / 1000, 'unixepoch') AS INTEGER) AS y, count(*),
      sum(first_answered_at <= first_answer_due_at)
    FROM feedback_items
    WHERE routed_to = 'unit' AND first_answered_at IS NOT NULL AND first_answer_due_at IS NOT NULL
    GROUP BY unit_id, y ORDER BY unit_id, y`);
  return { kept, scratch };
}

async function surveyCounters() {
  const kept = await rows(
    'SELECT survey_id, unit_id, question_id, answer, relation, n FROM survey_tallies ORDER BY 1, 2, 3, 4, 5',
  );
  const scratch = await rows(`
    SELECT r.survey_id, r.unit_id, a.question_id, a.answer, r.relation, count(*)
    FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5`);
  return { kept, scratch };
}

/** The scorecard inputs against the domain's rule over every item of the unit (the unit page's on-time rate). */
async function ratiosFromScratch(year: number) {
  const sources = sourcesAt(now);
  const inputs = await yearInputs(database, year, sources);
  const from = Date.UTC(year, 0, 1) - 8 * 3_600_000;
  const to = Date.UTC(year + 1, 0, 1) - 8 * 3_600_000;
  for (const unit of UNITS) {
    const facts = (await listDeadlineFacts(database, unit)).filter(
      (f) => f.receivedAt.getTime() >= from && f.receivedAt.getTime() < to,
    );
    const expected = onTimeReplyRate(facts, now, sources.rules);
    const r = inputs.find((i) => i.unit.id === unit)!.input.ratios.replyOnTime;
    expect({ due: r?.denominator ?? 0, onTime: r?.numerator ?? 0 }, `${unit} ${year}`).toEqual({
      due: expected.due,
      onTime: expected.onTime,
    });
  }
  const sat = await rows(`
    SELECT count(*), sum(a.answer IN ('satisfied', 'fairlySatisfied'))
    FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id JOIN surveys s ON s.id = r.survey_id
    WHERE a.question_id = 'overall' AND r.relation <> 'staff' AND r.unit_id = '${SCHOOL}'
      AND s.opens_on BETWEEN '${year}-01-01' AND '${year}-12-31'`);
  const [n, positive] = sat[0]!;
  const s = inputs.find((i) => i.unit.id === SCHOOL)!.input.ratios.satisfaction;
  expect({ n: s?.denominator ?? 0, positive: s?.numerator ?? 0 }, `satisfaction ${year}`).toEqual({
    n: Number(n),
    positive: Number(positive ?? 0),
  });
}

describe('scoring aggregates kept at write time equal a computation from scratch', () => {
  test('random sequences of feedback lifecycle writes and survey responses', async () => {
    expect(standardOf(baseSources, 2026)).toBeDefined();
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const o of ops) await apply(o);
        const reply = await replyCounters();
        expect(reply.kept).toEqual(reply.scratch);
        const survey = await surveyCounters();
        expect(survey.kept).toEqual(survey.scratch);
        for (const year of [2025, 2026]) await ratiosFromScratch(year);
      }),
      { numRuns: 40, seed: SEED },
    );
    // The sequences reached every counter this test is about (otherwise it proves little).
    const [counts] = await rows(`
      SELECT sum(first_answered_at IS NOT NULL), sum(first_answered_at <= first_answer_due_at),
        sum(first_answered_at > first_answer_due_at), sum(first_answered_at IS NULL), sum(routed_to = 'commission')
      FROM feedback_items`);
    const [answered, onTime, late, open, routed] = counts ?? [];
    expect(
      [answered, onTime, late, open, routed].map(Number).every((n) => n > 0),
      `answered ${String(answered)}, on time ${String(onTime)}, late ${String(late)}, open ${String(open)}, routed ${String(routed)}`,
    ).toBe(true);
    const [[responses] = []] = await rows('SELECT count(*) FROM survey_responses');
    expect(Number(responses)).toBeGreaterThan(10);
    // Both 2026 surveys were answered (the satisfaction of 2026 sums two surveys of one unit).
    const [[answeredSurveys] = []] = await rows(
      "SELECT count(DISTINCT survey_id) FROM survey_responses WHERE survey_id IN ('school-2026', 'school-2026-autumn')",
    );
    expect(Number(answeredSurveys)).toBe(2);
  }, 300_000);

  test('the backfill of migration 0012 counts the items stored before it', async () => {
    // The migration's own statement, run again over the items the sequences above left.
    const migration = readFileSync(
      fileURLToPath(new URL('../../db/migrations/0012_scoring_aggregates.sql', import.meta.url)),
      'utf8',
    );
    const backfill = migration
      .split('--> statement-breakpoint')
      .find((s) => s.includes('-- Backfill'))!
      .trim();
    expect(backfill).toMatch(/INSERT INTO `reply_tallies`/);
    const before = await replyCounters();
    expect(before.scratch.length).toBeGreaterThan(1);
    await database.client.execute('DELETE FROM reply_tallies');
    await database.client.execute(backfill);
    expect((await replyCounters()).kept).toEqual(before.scratch);
  });
});
