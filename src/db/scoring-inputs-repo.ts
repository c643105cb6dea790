import { sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { HEADLINE_QUESTION } from '../domain/surveys/questions.ts';
import { excludedRelations } from '../domain/surveys/schema.ts';
import type { DeadlineFacts } from '../domain/feedback/deadlines.ts';

/**
 * The portal's own figures for scoring, aggregated in SQL per unit for one assessment year: one pass over
 * each table, whatever the number of units (bench: 1,000,000 survey answers, 100,000 feedback items).
 */

/**
 * The rows of `query` (one JSON text `r` each, in the order of `orderBy`, a column of the query, when given) as
 * one JSON array in one row: 10,000 rows cost far more to cross the driver one by one than one string costs to
 * parse (bench: 10,000 units). Joined as text, not re-parsed.
 */
export async function jsonRows<T>(database: Database, query: SQL, orderBy?: SQL): Promise<T[]> {
  const [row] = await database.db.all<{ rows: string }>(
    sql`SELECT '[' || coalesce(group_concat(r, ',' ${orderBy ? sql`ORDER BY ${orderBy}` : sql``}), '') || ']' AS rows FROM (${query})`,
  );
  return JSON.parse(row?.rows ?? '[]') as T[];
}

/**
 * Headline-question answers per unit in surveys that open during the year: n valid (staff excluded, `unsure`
 * kept in the denominator, DOMAIN.md §5.1) and how many are satisfied or fairly satisfied. Read from the
 * running tallies kept with every response (survey_tallies), not by joining millions of answers: survey by
 * survey in the order of their primary key (survey, unit, …), so the groups come out without a sort (CROSS JOIN
 * keeps that order), and a unit asked in several of the year's surveys is summed here.
 */
export async function satisfactionCounts(
  database: Database,
  year: number,
): Promise<Map<string, { n: number; positive: number }>> {
  const excluded = sql.join(
    excludedRelations.map((r) => sql`${r}`),
    sql`, `,
  );
  const rows = await jsonRows<[string, number | null, number | null]>(
    database,
    sql`
    SELECT json_array(t.unit_id, sum(t.n), sum(CASE WHEN t.answer IN ('satisfied', 'fairlySatisfied') THEN t.n ELSE 0 END)) AS r
    FROM surveys s
    CROSS JOIN survey_tallies t ON t.survey_id = s.id AND t.question_id = ${HEADLINE_QUESTION}
    WHERE s.opens_on >= ${`${year}-01-01`} AND s.opens_on <= ${`${year}-12-31`} AND t.relation NOT IN (${excluded})
    GROUP BY s.id, t.unit_id`,
  );
  const out = new Map<string, { n: number; positive: number }>();
  for (const [unit, n, positive] of rows) {
    const known = out.get(unit);
    if (known) {
      known.n += Number(n);
      known.positive += Number(positive);
    } else out.set(unit, { n: Number(n), positive: Number(positive) });
  }
  return out;
}

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/**
 * The Beijing day of an epoch-ms column as a day number (days since 1970-01-01), and the Beijing year of
 * `received_at`, in SQL: written with literal constants, exactly as the index `feedback_unit_unanswered_by_year`
 * (src/db/schema.ts) spells them, because SQLite uses an index on an expression only for the same expression
 * (a bound parameter is not the same).
 */
const beijingDay = (column: 'received_at' | 'accepted_at' | 'reopened_at') =>
  sql.raw(`(${column} + ${String(BEIJING_OFFSET_MS)}) / ${String(DAY_MS)}`);
const beijingYearOfReceipt = sql.raw(
  `CAST(strftime('%Y', (received_at + ${String(BEIJING_OFFSET_MS)}) / 1000, 'unixepoch') AS INTEGER)`,
);
/** The first instant (00:00 Beijing) of a day number. */
const dayStart = (day: number) => new Date(day * DAY_MS - BEIJING_OFFSET_MS);

/**
 * The unanswered items routed to a unit and received in a Beijing year, counted per unit, state, extension and
 * the Beijing days of receipt, acceptance and reopening: one JSON text `r` per group, as jsonRows reads them.
 * The WHERE repeats the partial index `feedback_unit_unanswered_by_year`'s own condition word for word, so that
 * SQLite may use it; the year is its first column and the GROUP BY follows its next ones in order, so the groups
 * stream out of the index without a sort (bench: 100,000 unanswered items, ~190 ms of CPU with a sort, ~30 without).
 */
export const openItemsQuery = (year: number): SQL => sql`
  SELECT json_array(unit_id, state, rd, ad, extension_days, od, n) AS r
  FROM (
    SELECT unit_id, state, ${beijingDay('received_at')} AS rd, ${beijingDay('accepted_at')} AS ad, extension_days,
      ${beijingDay('reopened_at')} AS od, count(*) AS n
    FROM feedback_items
    WHERE routed_to = 'unit' AND (first_answered_at IS NULL OR first_answer_due_at IS NULL)
      AND ${beijingYearOfReceipt} = ${year}
    GROUP BY unit_id, state, ${beijingDay('received_at')}, ${beijingDay('accepted_at')}, extension_days,
      ${beijingDay('reopened_at')}
  )`;

/** Unanswered items of one unit that share the same deadline facts. */
export interface OpenItems {
  /** Shared by every group with the same facts (whatever the unit): decide once per object. */
  facts: DeadlineFacts;
  n: number;
}

/**
 * Reply timeliness per unit for items received during the year and routed to the unit: answered items from the
 * counters the triggers of migration 0011 keep per unit and Beijing year (reply_tallies: first answer no later
 * than the deadline then in force); unanswered ones are returned as deadline facts, for the domain's own rule
 * (src/domain/feedback/deadlines.ts) to decide whether they are due.
 *
 * Deadlines are counted in whole Beijing days (periods.ts: a period runs from the day after the day of receipt,
 * acceptance or reopening), so unanswered items are grouped by those days, the extension and the state
 * (openItemsQuery): each group's facts carry the first instant of each day, and the same facts object is shared
 * by every unit's group with the same key.
 */
export async function replyTimeliness(
  database: Database,
  year: number,
): Promise<{ answered: Map<string, { due: number; onTime: number }>; open: Map<string, OpenItems[]> }> {
  const answeredRows = await jsonRows<[string, number, number]>(
    database,
    sql`SELECT json_array(unit_id, due, on_time) AS r FROM reply_tallies WHERE year = ${year} AND due > 0`,
  );
  const openRows = await jsonRows<[string, string, number, number | null, number | null, number | null, number]>(
    database,
    openItemsQuery(year),
  );
  const answered = new Map(answeredRows.map(([unit, due, onTime]) => [unit, { due, onTime }]));
  const shared = new Map<string, DeadlineFacts>();
  const open = new Map<string, OpenItems[]>();
  for (const [unit, state, rd, ad, extensionDays, od, n] of openRows) {
    const key = `${state}|${String(rd)}|${String(ad)}|${String(extensionDays)}|${String(od)}`;
    let facts = shared.get(key);
    if (!facts) {
      facts = {
        state,
        receivedAt: dayStart(rd),
        acceptedAt: ad === null ? null : dayStart(ad),
        extensionDays,
        reopenedAt: od === null ? null : dayStart(od),
        firstAnsweredAt: null,
        firstAnswerDueAt: null,
        routedTo: 'unit',
      };
      shared.set(key, facts);
    }
    const list = open.get(unit);
    if (list) list.push({ facts, n });
    else open.set(unit, [{ facts, n }]);
  }
  return { answered, open };
}
