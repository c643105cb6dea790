import { asc, desc, eq, sql } from 'drizzle-orm';
import { jsonRows } from './scoring-inputs-repo.ts';
import type { Database } from './client.ts';
import { auditStatement } from './audit-repo.ts';
import { rateLimitStatements, type RateHit, isRateLimitViolation, retryAfter } from './rate-limit-repo.ts';
import { consultationComments, evaluationMarks, gradeRecords, markTextSql, units, vetoEvents } from './schema.ts';
import type { Mark } from '../domain/scoring/interpret.ts';
import { shareMark, type VetoEvent, type Grade } from '../domain/scoring/scorecard.ts';
import type { GradeRecord, GradeRecordReason } from '../domain/scoring/history.ts';
import type { MarkInput, VetoEventInput } from '../domain/scoring/inputs.ts';
import type { UnitCarrier } from '../domain/units/schema.ts';

/** Marks, veto events, recorded grades and consultation comments. Every write carries its audit row in the same batch. */

export interface ScoredUnit {
  id: string;
  name: string;
  carrier: UnitCarrier;
  townshipId: string;
}

/** Every unit the registry mirrors (the population scored each year), optionally one carrier; by id. */
export async function listScoredUnits(database: Database, carrier?: UnitCarrier): Promise<ScoredUnit[]> {
  // One JSON text rather than a row per unit (10,000 units: ~10× less time in the driver).
  const rows = await jsonRows<[string, string, UnitCarrier, string]>(
    database,
    sql`SELECT id, json_array(id, name, carrier, township_id) AS r FROM ${units}
      ${carrier ? sql`WHERE carrier = ${carrier}` : sql``}`,
    sql`id`,
  );
  return rows.map(([id, name, c, townshipId]) => ({ id, name, carrier: c, townshipId }));
}

/**
 * The year's marks, by unit and item key. Read as three parallel JSON arrays from the index
 * `evaluation_marks_year_text` (by unit; the order of keys in a unit's record is unspecified): unit ids, item keys,
 * and each mark as the JSON text of `[value, points, deductions, note]` (markTextSql), which SQLite built when the
 * mark was written, not per read (bench: ~120 → ~50 ms of CPU for 136,000 marks). A year of 10,000 units holds
 * 136,000 marks but few distinct ones, so each distinct text is parsed once and its Mark shared by the units that
 * have it (shareMark: frozen, and what scorecards derive from it is shared too): no nested array or object per
 * mark crosses the driver.
 */
export async function marksOfYear(
  database: Database,
  year: number,
  unitId?: string,
): Promise<Map<string, Record<string, Mark>>> {
  const [row] = await database.db.all<{ u: string | null; k: string | null; m: string | null }>(sql`
    SELECT json_group_array(unit_id) AS u, json_group_array(item_key) AS k, json_group_array(${sql.raw(markTextSql)}) AS m
    FROM ${evaluationMarks}
    WHERE year = ${year} ${unitId ? sql`AND unit_id = ${unitId}` : sql``}`);
  const unitIds = JSON.parse(row?.u ?? '[]') as string[];
  const keys = JSON.parse(row?.k ?? '[]') as string[];
  const texts = JSON.parse(row?.m ?? '[]') as string[];
  const parsed = new Map<string, Mark>();
  const out = new Map<string, Record<string, Mark>>();
  let unit: string | undefined;
  let byKey: Record<string, Mark> = {};
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i]!;
    let mark = parsed.get(text);
    if (!mark) {
      const [value, points, deductions, note] = JSON.parse(`[${text}]`) as [
        NonNullable<Mark['value']> | null,
        number | null,
        NonNullable<Mark['deductions']>,
        string | null,
      ];
      parsed.set(text, (mark = shareMark({ value, points, deductions, note })));
    }
    // A unit's rows mostly follow one another: look its record up only when the unit changes.
    if (unitIds[i] !== unit) {
      unit = unitIds[i]!;
      const known = out.get(unit);
      if (known) byKey = known;
      else out.set(unit, (byKey = {}));
    }
    byKey[keys[i]!] = mark;
  }
  return out;
}

/** Every veto event, by unit (a few per year across the city). */
export async function vetoEventsByUnit(database: Database, unitId?: string): Promise<Map<string, VetoEvent[]>> {
  const rows = await database.db
    .select()
    .from(vetoEvents)
    .where(unitId ? eq(vetoEvents.unitId, unitId) : undefined)
    .orderBy(asc(vetoEvents.occurredOn), asc(vetoEvents.id));
  const out = new Map<string, VetoEvent[]>();
  for (const r of rows)
    out.set(r.unitId, [
      ...(out.get(r.unitId) ?? []),
      { key: r.vetoKey, occurredOn: r.occurredOn, source: r.source, note: r.note },
    ]);
  return out;
}

/** Insert or replace marks of one unit and year, each with its audit row, in one batch. */
export async function saveMarks(
  database: Database,
  unitId: string,
  year: number,
  marks: readonly MarkInput[],
  actor: string,
  now: Date,
  demo = false,
): Promise<void> {
  if (marks.length === 0) return;
  const { db } = database;
  const statements = marks.flatMap((m) => [
    db
      .insert(evaluationMarks)
      .values({
        id: `${unitId}:${year}:${m.itemKey}`,
        unitId,
        year,
        itemKey: m.itemKey,
        value: m.value,
        points: m.points,
        deductions: m.deductions,
        note: m.note,
        evaluator: actor,
        recordedAt: now,
        demo,
      })
      .onConflictDoUpdate({
        target: [evaluationMarks.unitId, evaluationMarks.year, evaluationMarks.itemKey],
        set: {
          value: m.value,
          points: m.points,
          deductions: m.deductions,
          note: m.note,
          evaluator: actor,
          recordedAt: now,
        },
      }),
    auditStatement(database, {
      at: now,
      actor,
      action: 'evaluation.mark',
      subjectType: 'unit',
      subjectId: unitId,
      detail: {
        year,
        itemKey: m.itemKey,
        value: m.value,
        points: m.points,
        deductions: m.deductions.map((d) => ({ key: d.key, count: d.count })),
      },
    }),
  ]);
  await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
}

/** How many marks exist (the demo seed runs only on an empty table). */
export async function countMarks(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(evaluationMarks);
  return row?.n ?? 0;
}

export interface NewGradeRecord {
  unitId: string;
  year: number;
  grade: Grade;
  total: number;
}

function gradeStatements(
  database: Database,
  records: readonly NewGradeRecord[],
  reason: GradeRecordReason,
  actor: string,
  now: Date,
  demo: boolean,
) {
  return records.flatMap((r) => [
    database.db
      .insert(gradeRecords)
      .values({ unitId: r.unitId, year: r.year, grade: r.grade, total: r.total, reason, recordedAt: now, actor, demo }),
    auditStatement(database, {
      at: now,
      actor,
      action: `evaluation.grade.${reason}`,
      subjectType: 'unit',
      subjectId: r.unitId,
      detail: { year: r.year, grade: r.grade, total: r.total },
    }),
  ]);
}

/**
 * Record a veto event and, in the same batch, the grade records it changes (dynamic downgrade): the
 * caller computed them with the event included.
 */
export async function insertVetoEvent(
  database: Database,
  e: VetoEventInput & { unitId: string },
  downgrades: readonly NewGradeRecord[],
  actor: string,
  now: Date,
  demo = false,
): Promise<string> {
  const id = crypto.randomUUID();
  const { db } = database;
  const statements = [
    db.insert(vetoEvents).values({
      id,
      unitId: e.unitId,
      vetoKey: e.vetoKey,
      occurredOn: e.occurredOn,
      source: e.source,
      note: e.note,
      recordedBy: actor,
      recordedAt: now,
      demo,
    }),
    auditStatement(database, {
      at: now,
      actor,
      action: 'evaluation.veto',
      subjectType: 'unit',
      subjectId: e.unitId,
      detail: { vetoKey: e.vetoKey, occurredOn: e.occurredOn, source: e.source },
    }),
    ...gradeStatements(database, downgrades, 'veto', actor, now, demo),
  ];
  await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
  return id;
}

/** Record the evaluators' grades for a year (only those that differ from the latest record). */
export async function insertGradeRecords(
  database: Database,
  records: readonly NewGradeRecord[],
  actor: string,
  now: Date,
  demo = false,
): Promise<number> {
  if (records.length === 0) return 0;
  const statements = gradeStatements(database, records, 'graded', actor, now, demo);
  await database.write(() => database.db.batch(statements as [(typeof statements)[number], ...typeof statements]));
  return records.length;
}

/** Every recorded grade of a unit, oldest first. */
export async function gradeHistory(
  database: Database,
  unitId: string,
): Promise<(GradeRecord & { year: number; actor: string })[]> {
  return database.db
    .select({
      year: gradeRecords.year,
      grade: gradeRecords.grade,
      total: gradeRecords.total,
      reason: gradeRecords.reason,
      recordedAt: gradeRecords.recordedAt,
      actor: gradeRecords.actor,
    })
    .from(gradeRecords)
    .where(eq(gradeRecords.unitId, unitId))
    .orderBy(asc(gradeRecords.year), asc(gradeRecords.id));
}

/** The latest recorded grade per unit and year. */
export async function latestGrades(database: Database, year?: number): Promise<Map<string, GradeRecord>> {
  const rows = await database.db
    .select({
      unitId: gradeRecords.unitId,
      year: gradeRecords.year,
      grade: gradeRecords.grade,
      total: gradeRecords.total,
      reason: gradeRecords.reason,
      recordedAt: gradeRecords.recordedAt,
    })
    .from(gradeRecords)
    .where(year === undefined ? undefined : eq(gradeRecords.year, year))
    .orderBy(asc(gradeRecords.id));
  const out = new Map<string, GradeRecord>();
  for (const r of rows) out.set(`${r.unitId}|${r.year}`, r);
  return out;
}

export type CommentInsert = { ok: true; id: string } | { ok: false; reason: 'rate_limited'; retryAfterS: number };

/** Store a consultation comment with its rate-limit counters and audit row in one batch. */
export async function insertComment(
  database: Database,
  c: { year: number; indicatorKey: string; body: string },
  rateHits: readonly RateHit[],
  now: Date,
  demo = false,
): Promise<CommentInsert> {
  const { db } = database;
  const id = crypto.randomUUID();
  const statements = [
    ...rateLimitStatements(rateHits, now).map((s) => db.run(s)),
    db
      .insert(consultationComments)
      .values({ id, year: c.year, indicatorKey: c.indicatorKey, body: c.body, receivedAt: now, demo }),
    auditStatement(database, {
      at: now,
      actor: 'public',
      action: 'consultation.comment',
      subjectType: 'standard',
      subjectId: String(c.year),
      detail: { indicatorKey: c.indicatorKey },
    }),
  ];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true, id };
  } catch (e) {
    if (isRateLimitViolation(e))
      return { ok: false, reason: 'rate_limited', retryAfterS: await retryAfter(database, rateHits, now) };
    throw e;
  }
}

/** Comment counts per indicator of a draft (what the public sees). */
export async function commentCounts(database: Database, year: number): Promise<Map<string, number>> {
  const rows = await database.db
    .select({ key: consultationComments.indicatorKey, n: sql<number>`count(*)`.mapWith(Number) })
    .from(consultationComments)
    .where(eq(consultationComments.year, year))
    .groupBy(consultationComments.indicatorKey);
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** The comments themselves, newest first (staff only). */
export async function listComments(database: Database, year: number) {
  return database.db
    .select({
      id: consultationComments.id,
      indicatorKey: consultationComments.indicatorKey,
      body: consultationComments.body,
      receivedAt: consultationComments.receivedAt,
    })
    .from(consultationComments)
    .where(eq(consultationComments.year, year))
    .orderBy(desc(consultationComments.receivedAt), asc(consultationComments.id));
}
