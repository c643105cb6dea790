import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { auditIfChanged, auditStatement } from './audit-repo.ts';
import { uniqueViolation } from './rate-limit-repo.ts';
import {
  evaluationAppeals,
  evaluationMarks,
  evaluationSignoffs,
  evaluatorMarks,
  markEvidence,
  type appealOutcomes,
} from './schema.ts';
import type { MarkInput } from '../domain/scoring/inputs.ts';

/**
 * The evaluation team (issue 17): each evaluator's own marks with evidence, the lead's sign-off (the
 * reconciled marks copied into `evaluation_marks`, which the scoring engine reads), and the units' appeals.
 * Every write carries its audit rows in the same batch; the triggers of migration 0007 lock what is signed off.
 */

export type AppealOutcome = (typeof appealOutcomes)[number];

export interface TeamMark {
  id: string;
  itemKey: string;
  evaluator: string;
  value: MarkInput['value'];
  points: number | null;
  deductions: { key: string; count: number }[];
  note: string;
  recordedAt: Date;
  signedOffAt: Date | null;
  evidence: string[];
}

/** True for the error a write throws when a trigger of migration 0007 refused to touch signed-off data. */
export const isLockViolation = (e: unknown): boolean => /signed off, locked/.test(errorText(e));

function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return `${e.message} ${e.cause instanceof Error ? e.cause.message : ''}`;
}

/** Every evaluator's marks of a unit and year, with the hashes of their evidence files. */
export async function teamMarks(database: Database, unitId: string, year: number): Promise<TeamMark[]> {
  const { db } = database;
  const rows = await db
    .select()
    .from(evaluatorMarks)
    .where(and(eq(evaluatorMarks.unitId, unitId), eq(evaluatorMarks.year, year)))
    .orderBy(asc(evaluatorMarks.itemKey), asc(evaluatorMarks.evaluator));
  const ids = rows.map((r) => r.id);
  const files =
    ids.length === 0
      ? []
      : await db
          .select({ markId: markEvidence.markId, sha256: markEvidence.sha256 })
          .from(markEvidence)
          .where(inArray(markEvidence.markId, ids))
          .orderBy(asc(markEvidence.addedAt), asc(markEvidence.sha256));
  return rows.map((r) => ({
    id: r.id,
    itemKey: r.itemKey,
    evaluator: r.evaluator,
    value: r.value ?? null,
    points: r.points,
    deductions: r.deductions.map((d) => ({ key: d.key, count: d.count })),
    note: r.note,
    recordedAt: r.recordedAt,
    signedOffAt: r.signedOffAt,
    evidence: files.filter((f) => f.markId === r.id).map((f) => f.sha256),
  }));
}

export interface Signoff {
  version: number;
  signedAt: Date;
  signedBy: string;
  appealId: string | null;
}

/** The sign-offs of a unit and year, oldest first (empty: not signed off). */
export async function signoffsOf(database: Database, unitId: string, year: number): Promise<Signoff[]> {
  return database.db
    .select({
      version: evaluationSignoffs.version,
      signedAt: evaluationSignoffs.signedAt,
      signedBy: evaluationSignoffs.signedBy,
      appealId: evaluationSignoffs.appealId,
    })
    .from(evaluationSignoffs)
    .where(and(eq(evaluationSignoffs.unitId, unitId), eq(evaluationSignoffs.year, year)))
    .orderBy(asc(evaluationSignoffs.version));
}

/** Units and years with evaluator marks and no sign-off yet (the lead's work list). */
export async function awaitingSignoff(database: Database): Promise<{ unitId: string; year: number; marks: number }[]> {
  return database.db.all<{ unitId: string; year: number; marks: number }>(sql`
    SELECT m.unit_id AS unitId, m.year AS year, count(*) AS marks FROM ${evaluatorMarks} m
    WHERE NOT EXISTS (SELECT 1 FROM ${evaluationSignoffs} s WHERE s.unit_id = m.unit_id AND s.year = m.year)
    GROUP BY m.unit_id, m.year ORDER BY m.year DESC, m.unit_id`);
}

/** How many evaluator marks exist (the demo seed runs only on an empty table). */
export async function countTeamMarks(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(evaluatorMarks);
  return row?.n ?? 0;
}

export type LockedWrite = { ok: true } | { ok: false; reason: 'locked' };

/** Insert or replace one evaluator's mark with its new evidence files, and its audit row, in one batch. */
export async function saveTeamMark(
  database: Database,
  m: MarkInput & { unitId: string; year: number; evaluator: string; note: string },
  evidence: readonly string[],
  now: Date,
  demo = false,
): Promise<LockedWrite> {
  const { db } = database;
  const id = `${m.evaluator}:${m.unitId}:${m.year}:${m.itemKey}`;
  const deductions = m.deductions.map((d) => ({ key: d.key, count: d.count }));
  const row = { value: m.value, points: m.points, deductions, note: m.note, recordedAt: now };
  const statements = [
    db
      .insert(evaluatorMarks)
      .values({ id, unitId: m.unitId, year: m.year, itemKey: m.itemKey, evaluator: m.evaluator, ...row, demo })
      .onConflictDoUpdate({
        target: [evaluatorMarks.evaluator, evaluatorMarks.unitId, evaluatorMarks.year, evaluatorMarks.itemKey],
        set: row,
      }),
    ...evidence.map((sha256) =>
      db.insert(markEvidence).values({ markId: id, sha256, addedAt: now }).onConflictDoNothing(),
    ),
    auditStatement(database, {
      at: now,
      actor: m.evaluator,
      action: 'evaluation.team.mark',
      subjectType: 'unit',
      subjectId: m.unitId,
      detail: {
        year: m.year,
        itemKey: m.itemKey,
        value: m.value,
        points: m.points,
        deductions,
        evidence: [...evidence],
      },
    }),
  ];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (isLockViolation(e)) return { ok: false, reason: 'locked' };
    throw e;
  }
}

export interface FinalMark {
  itemKey: string;
  value: MarkInput['value'];
  points: number | null;
  deductions: { key: string; count: number }[];
  /** The evidence note shown on the scorecard. */
  note: string | null;
  /** Why the lead chose or set it where the evaluators differed; null when they agreed. */
  reason: string | null;
  /** The evaluator mark chosen, or null when the lead set it. */
  chosen: string | null;
}

function finalStatements(
  database: Database,
  unitId: string,
  year: number,
  version: number,
  marks: readonly FinalMark[],
  actor: string,
  now: Date,
  demo: boolean,
) {
  const { db } = database;
  return marks.flatMap((m) => {
    const row = {
      value: m.value,
      points: m.points,
      deductions: m.deductions,
      note: m.note,
      evaluator: actor,
      recordedAt: now,
      signedOffAt: now,
      signoffVersion: version,
      reconcileReason: m.reason,
    };
    return [
      db
        .insert(evaluationMarks)
        .values({ id: `${unitId}:${year}:${m.itemKey}`, unitId, year, itemKey: m.itemKey, ...row, demo })
        .onConflictDoUpdate({
          target: [evaluationMarks.unitId, evaluationMarks.year, evaluationMarks.itemKey],
          set: row,
        }),
      auditStatement(database, {
        at: now,
        actor,
        action: 'evaluation.reconcile',
        subjectType: 'unit',
        subjectId: unitId,
        detail: {
          year,
          version,
          itemKey: m.itemKey,
          value: m.value,
          points: m.points,
          deductions: m.deductions,
          chosen: m.chosen,
          reasoned: m.reason !== null,
        },
      }),
    ];
  });
}

export type SignoffWrite = { ok: true } | { ok: false; reason: 'taken' | 'locked' };

/**
 * The first sign-off of a unit and year, in one batch: the sign-off row (its unique version decides a race
 * between two leads), the reconciled marks into `evaluation_marks` (locked from then on), the lock of every
 * evaluator mark and of any mark recorded there before, and the audit rows.
 */
export async function signOff(
  database: Database,
  unitId: string,
  year: number,
  marks: readonly FinalMark[],
  actor: string,
  now: Date,
  demo = false,
): Promise<SignoffWrite> {
  const { db } = database;
  const statements = [
    db.insert(evaluationSignoffs).values({
      id: crypto.randomUUID(),
      unitId,
      year,
      version: 1,
      signedAt: now,
      signedBy: actor,
      appealId: null,
      demo,
    }),
    ...finalStatements(database, unitId, year, 1, marks, actor, now, demo),
    db
      .update(evaluationMarks)
      .set({ signedOffAt: now, signoffVersion: 1 })
      .where(
        and(eq(evaluationMarks.unitId, unitId), eq(evaluationMarks.year, year), isNull(evaluationMarks.signedOffAt)),
      ),
    db
      .update(evaluatorMarks)
      .set({ signedOffAt: now })
      .where(and(eq(evaluatorMarks.unitId, unitId), eq(evaluatorMarks.year, year), isNull(evaluatorMarks.signedOffAt))),
    auditStatement(database, {
      at: now,
      actor,
      action: 'evaluation.signoff',
      subjectType: 'unit',
      subjectId: unitId,
      detail: { year, version: 1, items: marks.map((m) => m.itemKey) },
    }),
  ];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (uniqueViolation(e) !== null) return { ok: false, reason: 'taken' };
    if (isLockViolation(e)) return { ok: false, reason: 'locked' };
    throw e;
  }
}

export interface Appeal {
  id: string;
  unitId: string;
  year: number;
  itemKey: string;
  reason: string;
  lodgedBy: string;
  lodgedAt: Date;
  answer: string | null;
  outcome: AppealOutcome | null;
  answeredBy: string | null;
  answeredAt: Date | null;
}

const appealColumns = {
  id: evaluationAppeals.id,
  unitId: evaluationAppeals.unitId,
  year: evaluationAppeals.year,
  itemKey: evaluationAppeals.itemKey,
  reason: evaluationAppeals.reason,
  lodgedBy: evaluationAppeals.lodgedBy,
  lodgedAt: evaluationAppeals.lodgedAt,
  answer: evaluationAppeals.answer,
  outcome: evaluationAppeals.outcome,
  answeredBy: evaluationAppeals.answeredBy,
  answeredAt: evaluationAppeals.answeredAt,
};

/** Appeals of some units (a responder's) or of every unit (the lead), newest first. */
export async function listAppeals(database: Database, unitIds?: readonly string[]): Promise<Appeal[]> {
  if (unitIds?.length === 0) return [];
  return database.db
    .select(appealColumns)
    .from(evaluationAppeals)
    .where(unitIds ? inArray(evaluationAppeals.unitId, [...unitIds]) : undefined)
    .orderBy(desc(evaluationAppeals.lodgedAt), asc(evaluationAppeals.id));
}

export async function findAppeal(database: Database, id: string): Promise<Appeal | null> {
  const [row] = await database.db.select(appealColumns).from(evaluationAppeals).where(eq(evaluationAppeals.id, id));
  return row ?? null;
}

/** Appeals of one unit and year (the public scorecard shows only their item, dates and outcome). */
export async function appealsOf(database: Database, unitId: string, year: number): Promise<Appeal[]> {
  return database.db
    .select(appealColumns)
    .from(evaluationAppeals)
    .where(and(eq(evaluationAppeals.unitId, unitId), eq(evaluationAppeals.year, year)))
    .orderBy(asc(evaluationAppeals.lodgedAt), asc(evaluationAppeals.id));
}

export async function insertAppeal(
  database: Database,
  a: { unitId: string; year: number; itemKey: string; reason: string },
  actor: string,
  now: Date,
): Promise<string> {
  const { db } = database;
  const id = crypto.randomUUID();
  await database.write(() =>
    db.batch([
      db.insert(evaluationAppeals).values({ id, ...a, lodgedBy: actor, lodgedAt: now }),
      auditStatement(database, {
        at: now,
        actor,
        action: 'evaluation.appeal.lodge',
        subjectType: 'unit',
        subjectId: a.unitId,
        detail: { appeal: id, year: a.year, itemKey: a.itemKey },
      }),
    ]),
  );
  return id;
}

export type AnswerWrite = { ok: true } | { ok: false; reason: 'answered' | 'taken' | 'locked' };

/**
 * Answer an appeal once (a guarded update: a second answer changes nothing). An upheld appeal that changes the
 * mark carries `resign`: in the same batch a re-sign-off (the next version, naming the appeal) and the new final
 * mark, which the trigger lets through only because of that sign-off row.
 */
export async function answerAppeal(
  database: Database,
  appeal: Appeal,
  answer: { text: string; outcome: AppealOutcome },
  resign: { version: number; mark: FinalMark } | null,
  actor: string,
  now: Date,
): Promise<AnswerWrite> {
  const { db } = database;
  const statements = [
    db
      .update(evaluationAppeals)
      .set({ answer: answer.text, outcome: answer.outcome, answeredBy: actor, answeredAt: now })
      .where(and(eq(evaluationAppeals.id, appeal.id), isNull(evaluationAppeals.answeredAt))),
    db.run(
      auditIfChanged({
        at: now,
        actor,
        action: 'evaluation.appeal.answer',
        subjectType: 'unit',
        subjectId: appeal.unitId,
        detail: { appeal: appeal.id, year: appeal.year, itemKey: appeal.itemKey, outcome: answer.outcome },
      }),
    ),
    ...(resign
      ? [
          db.insert(evaluationSignoffs).values({
            id: crypto.randomUUID(),
            unitId: appeal.unitId,
            year: appeal.year,
            version: resign.version,
            signedAt: now,
            signedBy: actor,
            appealId: appeal.id,
          }),
          ...finalStatements(database, appeal.unitId, appeal.year, resign.version, [resign.mark], actor, now, false),
          auditStatement(database, {
            at: now,
            actor,
            action: 'evaluation.signoff',
            subjectType: 'unit',
            subjectId: appeal.unitId,
            detail: { year: appeal.year, version: resign.version, items: [resign.mark.itemKey], appeal: appeal.id },
          }),
        ]
      : []),
  ];
  try {
    // Checked inside the serialised write queue, so no other answer of this process comes in between; the
    // guarded update stays as the database's own guard.
    return await database.write(async (): Promise<AnswerWrite> => {
      const before = await findAppeal(database, appeal.id);
      if (before?.answeredAt) return { ok: false, reason: 'answered' };
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
      return { ok: true };
    });
  } catch (e) {
    if (uniqueViolation(e) !== null) return { ok: false, reason: 'taken' };
    if (isLockViolation(e)) return { ok: false, reason: 'locked' };
    throw e;
  }
}
