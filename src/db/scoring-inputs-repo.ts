import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { HEADLINE_QUESTION } from '../domain/surveys/questions.ts';
import { excludedRelations } from '../domain/surveys/schema.ts';
import type { DeadlineFacts } from '../domain/feedback/deadlines.ts';

/**
 * The portal's own figures for scoring, aggregated in SQL per unit for one assessment year: one pass over
 * each table, whatever the number of units (bench: 1,000,000 survey answers, 100,000 feedback items).
 */

/** The first and last instant of a calendar year in Beijing time, as epoch milliseconds. */
export function beijingYear(year: number): { from: number; to: number } {
  const offset = 8 * 3_600_000;
  return { from: Date.UTC(year, 0, 1) - offset, to: Date.UTC(year + 1, 0, 1) - offset - 1 };
}

/**
 * Headline-question answers per unit in surveys that open during the year: n valid (staff excluded, `unsure`
 * kept in the denominator, DOMAIN.md §5.1) and how many are satisfied or fairly satisfied.
 */
export async function satisfactionCounts(database: Database, year: number): Promise<Map<string, { n: number; positive: number }>> {
  const excluded = sql.join(excludedRelations.map((r) => sql`${r}`), sql`, `);
  const rows = await database.db.all<{ unit: string; n: number; positive: number }>(sql`
    SELECT r.unit_id AS unit, count(*) AS n, sum(a.answer IN ('satisfied', 'fairlySatisfied')) AS positive
    FROM surveys s
    JOIN survey_responses r ON r.survey_id = s.id
    JOIN survey_answers a ON a.response_id = r.id AND a.question_id = ${HEADLINE_QUESTION}
    WHERE s.opens_on >= ${`${year}-01-01`} AND s.opens_on <= ${`${year}-12-31`} AND r.relation NOT IN (${excluded})
    GROUP BY r.unit_id`);
  return new Map(rows.map((r) => [r.unit, { n: Number(r.n), positive: Number(r.positive) }]));
}

/**
 * Reply timeliness per unit for items received during the year and routed to the unit: answered items are
 * counted in SQL (first answer no later than the deadline then in force); unanswered ones are returned as
 * deadline facts, for the domain's own rule (src/domain/feedback/deadlines.ts) to decide whether they are due.
 */
export async function replyTimeliness(
  database: Database,
  year: number,
): Promise<{ answered: Map<string, { due: number; onTime: number }>; open: Map<string, DeadlineFacts[]> }> {
  const { from, to } = beijingYear(year);
  const answeredRows = await database.db.all<{ unit: string; due: number; onTime: number }>(sql`
    SELECT unit_id AS unit, count(*) AS due, sum(first_answered_at <= first_answer_due_at) AS onTime
    FROM feedback_items
    WHERE routed_to = 'unit' AND received_at BETWEEN ${from} AND ${to}
      AND first_answered_at IS NOT NULL AND first_answer_due_at IS NOT NULL
    GROUP BY unit_id`);
  const openRows = await database.db.all<{
    unit: string;
    state: string;
    receivedAt: number;
    acceptedAt: number | null;
    extensionDays: number | null;
    reopenedAt: number | null;
  }>(sql`
    SELECT unit_id AS unit, state, received_at AS receivedAt, accepted_at AS acceptedAt, extension_days AS extensionDays, reopened_at AS reopenedAt
    FROM feedback_items
    WHERE routed_to = 'unit' AND received_at BETWEEN ${from} AND ${to}
      AND (first_answered_at IS NULL OR first_answer_due_at IS NULL)`);
  const answered = new Map(answeredRows.map((r) => [r.unit, { due: Number(r.due), onTime: Number(r.onTime) }]));
  const open = new Map<string, DeadlineFacts[]>();
  const date = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  for (const r of openRows) {
    const facts: DeadlineFacts = {
      state: r.state,
      receivedAt: new Date(Number(r.receivedAt)),
      acceptedAt: date(r.acceptedAt),
      extensionDays: r.extensionDays === null ? null : Number(r.extensionDays),
      reopenedAt: date(r.reopenedAt),
      firstAnsweredAt: null,
      firstAnswerDueAt: null,
      routedTo: 'unit',
    };
    open.set(r.unit, [...(open.get(r.unit) ?? []), facts]);
  }
  return { answered, open };
}

/** A bare scan of the same table, the bench's baseline. */
export async function countSurveyAnswers(database: Database): Promise<number> {
  const [row] = await database.db.all<{ n: number }>(sql`SELECT count(*) AS n FROM survey_answers`);
  return Number(row?.n ?? 0);
}
