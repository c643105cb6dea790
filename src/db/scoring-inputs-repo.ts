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
 * kept in the denominator, DOMAIN.md §5.1) and how many are satisfied or fairly satisfied. Read from the
 * running tallies kept with every response (survey_tallies), not by joining a million answers.
 */
export async function satisfactionCounts(
  database: Database,
  year: number,
): Promise<Map<string, { n: number; positive: number }>> {
  const excluded = sql.join(
    excludedRelations.map((r) => sql`${r}`),
    sql`, `,
  );
  // SQL's sum() is NULL over no values; Number() makes that 0.
  const rows = await database.db.all<{ unit: string; n: number | null; positive: number | null }>(sql`
    SELECT t.unit_id AS unit, sum(t.n) AS n, sum(CASE WHEN t.answer IN ('satisfied', 'fairlySatisfied') THEN t.n ELSE 0 END) AS positive
    FROM surveys s
    JOIN survey_tallies t ON t.survey_id = s.id AND t.question_id = ${HEADLINE_QUESTION}
    WHERE s.opens_on >= ${`${year}-01-01`} AND s.opens_on <= ${`${year}-12-31`} AND t.relation NOT IN (${excluded})
    GROUP BY t.unit_id`);
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
  const answeredRows = await database.db.all<{ unit: string; due: number; onTime: number | null }>(sql`
    SELECT unit_id AS unit, count(*) AS due, sum(first_answered_at <= first_answer_due_at) AS onTime
    FROM feedback_items
    WHERE routed_to = 'unit' AND received_at BETWEEN ${from} AND ${to}
      AND first_answered_at IS NOT NULL AND first_answer_due_at IS NOT NULL
    GROUP BY unit_id`);
  // Unanswered items, one JSON array per unit ([state, received, accepted, extension days, reopened]): the
  // domain decides which are due, and 2,000 strings cross the driver faster than 10,000 rows.
  const openRows = await database.db.all<{ unit: string; facts: string }>(sql`
    SELECT unit_id AS unit, json_group_array(json_array(state, received_at, accepted_at, extension_days, reopened_at)) AS facts
    FROM feedback_items
    WHERE routed_to = 'unit' AND received_at BETWEEN ${from} AND ${to}
      AND (first_answered_at IS NULL OR first_answer_due_at IS NULL)
    GROUP BY unit_id`);
  const answered = new Map(answeredRows.map((r) => [r.unit, { due: r.due, onTime: Number(r.onTime) }]));
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  const open = new Map<string, DeadlineFacts[]>();
  for (const r of openRows) {
    const list = JSON.parse(r.facts) as [string, number, number | null, number | null, number | null][];
    open.set(
      r.unit,
      list.map(([state, receivedAt, acceptedAt, extensionDays, reopenedAt]) => ({
        state,
        receivedAt: new Date(receivedAt),
        acceptedAt: date(acceptedAt),
        extensionDays,
        reopenedAt: date(reopenedAt),
        firstAnsweredAt: null,
        firstAnswerDueAt: null,
        routedTo: 'unit' as const,
      })),
    );
  }
  return { answered, open };
}
