import { and, asc, count, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import {
  invitationBatches,
  invitationCodes,
  otpChallenges,
  surveyAnswersTable,
  surveyResponses,
  surveyTallies,
  surveys,
  units,
} from './schema.ts';
import { auditIfChanged, auditStatement } from './audit-repo.ts';
import {
  isRateLimitViolation,
  rateLimitStatements,
  retryAfter,
  uniqueViolation,
  type RateHit,
} from './rate-limit-repo.ts';
import type { SurveyDefinition, SurveyAnswer, RespondentRelation } from '../domain/surveys/schema.ts';
import { excludedRelations } from '../domain/surveys/schema.ts';
import type { QuestionId } from '../domain/surveys/questions.ts';
import type { UnitCarrier } from '../domain/units/schema.ts';

export interface SurveyRow extends SurveyDefinition {
  demo: boolean;
  /** Null: every unit of the carrier. */
  unitIds: string[] | null;
  standardYear: number | null;
  closedAt: Date | null;
  publishedAt: Date | null;
}

const surveyColumns = {
  id: surveys.id,
  carrier: surveys.carrier,
  periodLabel: surveys.periodLabel,
  opensOn: surveys.opensOn,
  closesOn: surveys.closesOn,
  questionIds: surveys.questionIds,
  demo: surveys.demo,
  unitIds: surveys.unitIds,
  standardYear: surveys.standardYear,
  closedAt: surveys.closedAt,
  publishedAt: surveys.publishedAt,
};

/** Create a survey with its audit row. */
export async function insertSurvey(
  database: Database,
  s: SurveyDefinition & {
    demo?: boolean;
    unitIds?: string[] | null;
    standardYear?: number | null;
    publishedAt?: Date | null;
  },
  now: Date,
  actor = 'staff',
): Promise<void> {
  await database.write(() =>
    database.db.batch([
      database.db.insert(surveys).values({ ...s, demo: s.demo ?? false, createdAt: now }),
      auditStatement(database, {
        at: now,
        actor,
        action: 'surveyCreated',
        subjectType: 'survey',
        subjectId: s.id,
        detail: { carrier: s.carrier, unitIds: s.unitIds ?? null, standardYear: s.standardYear ?? null },
      }),
    ]),
  );
}

/**
 * Close a survey early, or publish its results: one conditional update and its audit row in one batch
 * (the audit row only if the update changed the survey). False when the step did not apply.
 */
export async function markSurvey(
  database: Database,
  id: string,
  step: 'close' | 'publish',
  actor: string,
  now: Date,
): Promise<boolean> {
  const { db } = database;
  const change =
    step === 'close'
      ? db
          .update(surveys)
          .set({ closedAt: now })
          .where(and(eq(surveys.id, id), isNull(surveys.closedAt), isNull(surveys.publishedAt)))
      : db
          .update(surveys)
          .set({ publishedAt: now, closedAt: sql`coalesce(${surveys.closedAt}, ${now.getTime()})` })
          .where(and(eq(surveys.id, id), isNull(surveys.publishedAt)));
  const [changed] = await database.write(() =>
    db.batch([
      change,
      db.run(
        auditIfChanged({
          at: now,
          actor,
          action: step === 'close' ? 'surveyClosed' : 'surveyPublished',
          subjectType: 'survey',
          subjectId: id,
        }),
      ),
    ]),
  );
  return changed.rowsAffected === 1;
}

export interface BatchSummary {
  id: string;
  unitId: string;
  unitName: string;
  label: string;
  size: number;
  used: number;
  createdAt: Date;
}

/** A survey's batches with how many codes were used (never the codes). */
export async function listBatches(database: Database, surveyId: string): Promise<BatchSummary[]> {
  return database.db
    .select({
      id: invitationBatches.id,
      unitId: invitationBatches.unitId,
      unitName: units.name,
      label: invitationBatches.label,
      size: invitationBatches.size,
      used: sql<number>`(SELECT count(*) FROM ${invitationCodes} WHERE ${invitationCodes.batchId} = ${invitationBatches.id} AND ${invitationCodes.usedAt} IS NOT NULL)`.mapWith(
        Number,
      ),
      createdAt: invitationBatches.createdAt,
    })
    .from(invitationBatches)
    .innerJoin(units, eq(units.id, invitationBatches.unitId))
    .where(eq(invitationBatches.surveyId, surveyId))
    .orderBy(asc(invitationBatches.createdAt), asc(invitationBatches.id));
}

/** The sealed unused codes of a survey (one batch, or all), in batch and print order, for the slips. */
export async function unusedCodes(database: Database, surveyId: string, batchId?: string) {
  return database.db
    .select({
      id: invitationCodes.id,
      sealed: invitationCodes.sealed,
      batchId: invitationCodes.batchId,
      unitName: units.name,
      label: invitationBatches.label,
    })
    .from(invitationCodes)
    .innerJoin(invitationBatches, eq(invitationBatches.id, invitationCodes.batchId))
    .innerJoin(units, eq(units.id, invitationCodes.unitId))
    .where(
      and(
        eq(invitationCodes.surveyId, surveyId),
        isNull(invitationCodes.usedAt),
        ...(batchId ? [eq(invitationCodes.batchId, batchId)] : []),
      ),
    )
    .orderBy(asc(invitationBatches.createdAt), asc(invitationCodes.batchId), asc(invitationCodes.position));
}

export async function findSurvey(database: Database, id: string): Promise<SurveyRow | undefined> {
  const [row] = await database.db.select(surveyColumns).from(surveys).where(eq(surveys.id, id));
  return row;
}

export async function listSurveys(database: Database): Promise<SurveyRow[]> {
  return database.db
    .select(surveyColumns)
    .from(surveys)
    .orderBy(asc(surveys.carrier), asc(surveys.opensOn), asc(surveys.id));
}

export async function countSurveys(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(surveys);
  return row?.n ?? 0;
}

export interface NewBatch {
  id: string;
  surveyId: string;
  unitId: string;
  label: string;
  tokenHash: string;
  codes: { id: string; codeHash: string; sealed: string }[];
}

/** A batch and all its codes in one transaction, with an audit row (no codes in it). */
export async function insertInvitationBatch(
  database: Database,
  b: NewBatch,
  now: Date,
  actor = 'staff',
): Promise<void> {
  const { db } = database;
  const statements = [
    db.insert(invitationBatches).values({
      id: b.id,
      surveyId: b.surveyId,
      unitId: b.unitId,
      label: b.label,
      tokenHash: b.tokenHash,
      size: b.codes.length,
      createdAt: now,
    }),
    ...chunk(
      b.codes.map((c, position) => ({ ...c, position, batchId: b.id, surveyId: b.surveyId, unitId: b.unitId })),
      100,
    ).map((part) => db.insert(invitationCodes).values(part)),
    auditStatement(database, {
      at: now,
      actor,
      action: 'invitationBatchCreated',
      subjectType: 'survey',
      subjectId: b.surveyId,
      detail: { batchId: b.id, unitId: b.unitId, size: b.codes.length },
    }),
  ];
  await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
}

function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

export interface InvitationRow {
  id: string;
  surveyId: string;
  unitId: string;
  usedAt: Date | null;
}

export async function findInvitation(database: Database, codeHash: string): Promise<InvitationRow | undefined> {
  const [row] = await database.db
    .select({
      id: invitationCodes.id,
      surveyId: invitationCodes.surveyId,
      unitId: invitationCodes.unitId,
      usedAt: invitationCodes.usedAt,
    })
    .from(invitationCodes)
    .where(eq(invitationCodes.codeHash, codeHash));
  return row;
}

/** A batch by its sheet-token hash, with the sealed codes in print order. */
export async function findBatchByToken(database: Database, tokenHash: string) {
  const [batch] = await database.db
    .select({
      id: invitationBatches.id,
      surveyId: invitationBatches.surveyId,
      unitId: invitationBatches.unitId,
      unitName: units.name,
      label: invitationBatches.label,
      size: invitationBatches.size,
      createdAt: invitationBatches.createdAt,
    })
    .from(invitationBatches)
    .innerJoin(units, eq(units.id, invitationBatches.unitId))
    .where(eq(invitationBatches.tokenHash, tokenHash));
  if (!batch) return undefined;
  const codes = await database.db
    .select({ id: invitationCodes.id, sealed: invitationCodes.sealed, usedAt: invitationCodes.usedAt })
    .from(invitationCodes)
    .where(eq(invitationCodes.batchId, batch.id))
    .orderBy(asc(invitationCodes.position));
  return { ...batch, codes };
}

export interface NewResponse {
  id: string;
  surveyId: string;
  unitId: string;
  voterKey: string;
  via: 'invitation' | 'otp';
  relation: RespondentRelation;
  submittedOn: string;
  answers: Record<string, SurveyAnswer>;
  /** The invitation code or one-time-code challenge used up by this response. */
  invitationId?: string | undefined;
  otpChallengeId?: string | undefined;
}

export type ResponseInsert =
  | { ok: true }
  | { ok: false; reason: 'already_responded' }
  | { ok: false; reason: 'rate_limited'; retryAfterS: number };

/**
 * Store a response, its answers, its rate-limit counters and the use of its code in ONE batch. The
 * UNIQUE (survey_id, voter_key) index decides races: of 50 concurrent submissions with one code, one
 * commits and the others fail on the index, whatever the application saw when it read the code.
 */
export async function insertResponse(
  database: Database,
  r: NewResponse,
  rateHits: readonly RateHit[],
  now: Date,
): Promise<ResponseInsert> {
  const { db } = database;
  const statements = [
    ...rateLimitStatements(rateHits, now).map((s) => db.run(s)),
    db.insert(surveyResponses).values({
      id: r.id,
      surveyId: r.surveyId,
      unitId: r.unitId,
      voterKey: r.voterKey,
      via: r.via,
      relation: r.relation,
      submittedOn: r.submittedOn,
    }),
    ...Object.entries(r.answers).map(([questionId, answer]) =>
      db.insert(surveyAnswersTable).values({ responseId: r.id, questionId: questionId as QuestionId, answer }),
    ),
    // The running counts scoring reads, committed with the answers they count.
    ...Object.entries(r.answers).map(([questionId, answer]) =>
      db
        .insert(surveyTallies)
        .values({
          surveyId: r.surveyId,
          unitId: r.unitId,
          questionId: questionId as QuestionId,
          answer,
          relation: r.relation,
          n: 1,
        })
        .onConflictDoUpdate({
          target: [
            surveyTallies.surveyId,
            surveyTallies.unitId,
            surveyTallies.questionId,
            surveyTallies.answer,
            surveyTallies.relation,
          ],
          set: { n: sql`${surveyTallies.n} + 1` },
        }),
    ),
    ...(r.invitationId
      ? [
          db
            .update(invitationCodes)
            .set({ usedAt: now })
            .where(and(eq(invitationCodes.id, r.invitationId), isNull(invitationCodes.usedAt))),
        ]
      : []),
    ...(r.otpChallengeId
      ? [db.update(otpChallenges).set({ usedAt: now.getTime() }).where(eq(otpChallenges.id, r.otpChallengeId))]
      : []),
  ];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (isRateLimitViolation(e))
      return { ok: false, reason: 'rate_limited', retryAfterS: await retryAfter(database, rateHits, now) };
    if (uniqueViolation(e)?.startsWith('survey_responses.')) return { ok: false, reason: 'already_responded' };
    throw e;
  }
}

export async function countResponses(database: Database, surveyId: string): Promise<number> {
  const [row] = await database.db
    .select({ n: count() })
    .from(surveyResponses)
    .where(eq(surveyResponses.surveyId, surveyId));
  return row?.n ?? 0;
}

/** Answer counts per unit and question, excluding respondents who work at the unit. */
export async function tallyAnswers(database: Database, surveyId: string) {
  return database.db
    .select({
      unitId: surveyResponses.unitId,
      questionId: surveyAnswersTable.questionId,
      answer: surveyAnswersTable.answer,
      n: sql<number>`count(*)`.mapWith(Number),
    })
    .from(surveyAnswersTable)
    .innerJoin(surveyResponses, eq(surveyResponses.id, surveyAnswersTable.responseId))
    .where(
      and(eq(surveyResponses.surveyId, surveyId), ...excludedRelations.map((rel) => ne(surveyResponses.relation, rel))),
    )
    .groupBy(surveyResponses.unitId, surveyAnswersTable.questionId, surveyAnswersTable.answer);
}

/** Units of a carrier (every unit is listed in results, even with no responses); `only` narrows to a survey's units. */
export async function listUnitsOfCarrier(database: Database, carrier: UnitCarrier, only?: readonly string[] | null) {
  return database.db
    .select({ id: units.id, name: units.name })
    .from(units)
    .where(and(eq(units.carrier, carrier), ...(only ? [inArray(units.id, [...only])] : [])))
    .orderBy(asc(units.id));
}

export async function insertOtpChallenge(
  database: Database,
  c: { id: string; surveyId: string; phoneKey: string; codeHash: string; expiresAt: number },
  rateHits: readonly RateHit[],
  now: Date,
): Promise<{ ok: true } | { ok: false; retryAfterS: number }> {
  const { db } = database;
  const statements = [...rateLimitStatements(rateHits, now).map((s) => db.run(s)), db.insert(otpChallenges).values(c)];
  try {
    await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
    return { ok: true };
  } catch (e) {
    if (isRateLimitViolation(e)) return { ok: false, retryAfterS: await retryAfter(database, rateHits, now) };
    throw e;
  }
}

export async function findOtpChallenge(database: Database, id: string) {
  const [row] = await database.db.select().from(otpChallenges).where(eq(otpChallenges.id, id));
  return row;
}

export async function countOtpAttempt(database: Database, id: string): Promise<void> {
  await database.write(() =>
    database.db
      .update(otpChallenges)
      .set({ attempts: sql`${otpChallenges.attempts} + 1` })
      .where(eq(otpChallenges.id, id)),
  );
}
