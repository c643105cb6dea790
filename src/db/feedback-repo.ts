import { and, count, desc, eq, sql } from 'drizzle-orm';
import type { InStatement } from '@libsql/client';
import type { Database } from './client.ts';
import { builder, compile } from './compiled.ts';
import { altchaUsed, feedbackContacts, feedbackItems } from './schema.ts';
import { auditIfChanged, auditInStatement, auditStatement, listAudit } from './audit-repo.ts';
import { newItemInStatements, replyStatement } from './outbox-repo.ts';
import {
  isRateLimitViolation,
  rateLimitInStatements,
  retryAfter,
  uniqueViolation,
  type RateHit,
} from './rate-limit-repo.ts';
import type { FeedbackRecord, StoredEvent } from '../domain/feedback/public.ts';
import { feedbackActions, type FeedbackEvent, type FeedbackPatch } from '../domain/feedback/states.ts';
import type { DeadlineFacts } from '../domain/feedback/deadlines.ts';

/** Everything stored for a new item; the secret itself is not among it, only its hash. */
export interface NewFeedback {
  id: string;
  trackingCode: string;
  secretHash: string;
  idempotencyKey: string;
  payloadHash: string;
  kind: FeedbackRecord['kind'];
  routedTo: FeedbackRecord['routedTo'];
  unitId: string;
  disclosureId: string | null;
  body: string | null;
  meal: FeedbackRecord['meal'];
  suggestion: string | null;
  publicConsent: boolean;
  receivedAt: Date;
  demo?: boolean;
}

export type InsertResult =
  | { ok: true }
  | { ok: false; reason: 'rate_limited'; retryAfterS: number }
  | { ok: false; reason: 'duplicate_key' | 'tracking_code_taken' | 'challenge_used' | 'unknown_unit' };

/** The record of an item just inserted, without reading it back. */
export function recordOfNew(item: NewFeedback): FeedbackRecord {
  return {
    ...item,
    demo: item.demo ?? false,
    state: 'received',
    visibility: 'pending',
    acceptedAt: null,
    extensionDays: null,
    extensionReason: null,
    repliedAt: null,
    replyBody: null,
    firstAnsweredAt: null,
    firstAnswerDueAt: null,
    closedAt: null,
    closeReason: null,
    reopenedAt: null,
    reopenCount: 0,
    rating: null,
    ratedAt: null,
    version: 1,
  };
}

/** The columns of FeedbackRecord: never the secret hash, idempotency key or payload hash. */
export const recordColumns = {
  id: feedbackItems.id,
  trackingCode: feedbackItems.trackingCode,
  kind: feedbackItems.kind,
  routedTo: feedbackItems.routedTo,
  unitId: feedbackItems.unitId,
  disclosureId: feedbackItems.disclosureId,
  body: feedbackItems.body,
  meal: feedbackItems.meal,
  suggestion: feedbackItems.suggestion,
  publicConsent: feedbackItems.publicConsent,
  state: feedbackItems.state,
  visibility: feedbackItems.visibility,
  receivedAt: feedbackItems.receivedAt,
  acceptedAt: feedbackItems.acceptedAt,
  extensionDays: feedbackItems.extensionDays,
  extensionReason: feedbackItems.extensionReason,
  repliedAt: feedbackItems.repliedAt,
  replyBody: feedbackItems.replyBody,
  firstAnsweredAt: feedbackItems.firstAnsweredAt,
  firstAnswerDueAt: feedbackItems.firstAnswerDueAt,
  closedAt: feedbackItems.closedAt,
  closeReason: feedbackItems.closeReason,
  reopenedAt: feedbackItems.reopenedAt,
  reopenCount: feedbackItems.reopenCount,
  rating: feedbackItems.rating,
  ratedAt: feedbackItems.ratedAt,
  demo: feedbackItems.demo,
  version: feedbackItems.version,
};

const p = sql.placeholder;

/** The inserts of a submission, built once (src/db/compiled.ts): a submission is the busiest write there is. */
const insertItem = compile<
  | 'id'
  | 'trackingCode'
  | 'secretHash'
  | 'idempotencyKey'
  | 'payloadHash'
  | 'kind'
  | 'routedTo'
  | 'unitId'
  | 'disclosureId'
  | 'body'
  | 'meal'
  | 'suggestion'
  | 'publicConsent'
  | 'receivedAt'
  | 'demo'
  | 'hasContact'
>(
  builder
    .insert(feedbackItems)
    .values({
      id: p('id'),
      trackingCode: p('trackingCode'),
      secretHash: p('secretHash'),
      idempotencyKey: p('idempotencyKey'),
      payloadHash: p('payloadHash'),
      kind: p('kind'),
      routedTo: p('routedTo'),
      unitId: p('unitId'),
      disclosureId: p('disclosureId'),
      body: p('body'),
      meal: p('meal'),
      suggestion: p('suggestion'),
      publicConsent: p('publicConsent'),
      receivedAt: p('receivedAt'),
      demo: p('demo'),
      hasContact: p('hasContact'),
      state: 'received',
    })
    .toSQL(),
);
const insertContact = compile<'feedbackId' | 'sealed' | 'notify' | 'createdAt'>(
  builder
    .insert(feedbackContacts)
    .values({ feedbackId: p('feedbackId'), sealed: p('sealed'), notify: p('notify'), createdAt: p('createdAt') })
    .toSQL(),
);
const insertChallenge = compile<'id' | 'expiresAt'>(
  builder
    .insert(altchaUsed)
    .values({ id: p('id'), expiresAt: p('expiresAt') })
    .toSQL(),
);

/**
 * Store a submission in ONE batch: its rate-limit counters, the redeemed proof-of-work challenge, the
 * item, the sealed contact and the audit row. Any failure (a full counter, a replayed challenge, a
 * duplicate idempotency key) rolls everything back, and an accepted submission costs one commit.
 */
export async function insertFeedback(
  database: Database,
  item: NewFeedback,
  opts: {
    contactSealed?: string | undefined;
    /** The submitter asked to be told of the reply by text (needs a contact). */
    notify?: boolean;
    rateHits: readonly RateHit[];
    altcha?: { id: string; expiresAt: number } | undefined;
    now: Date;
  },
): Promise<InsertResult> {
  const statements: InStatement[] = [
    ...rateLimitInStatements(opts.rateHits, opts.now),
    ...(opts.altcha ? [insertChallenge({ id: opts.altcha.id, expiresAt: opts.altcha.expiresAt })] : []),
    insertItem({
      id: item.id,
      trackingCode: item.trackingCode,
      secretHash: item.secretHash,
      idempotencyKey: item.idempotencyKey,
      payloadHash: item.payloadHash,
      kind: item.kind,
      routedTo: item.routedTo,
      unitId: item.unitId,
      disclosureId: item.disclosureId,
      body: item.body,
      meal: item.meal,
      suggestion: item.suggestion,
      publicConsent: item.publicConsent,
      receivedAt: item.receivedAt,
      demo: item.demo ?? false,
      hasContact: opts.contactSealed !== undefined,
    }),
    ...(opts.contactSealed
      ? [
          insertContact({
            feedbackId: item.id,
            sealed: opts.contactSealed,
            notify: opts.notify ?? false,
            createdAt: opts.now,
          }),
        ]
      : []),
    // The unit's responders are told of a new item; a misconduct report goes to the commission only.
    ...(item.routedTo === 'unit' ? newItemInStatements(item.id, item.unitId, opts.now) : []),
    auditInStatement({
      at: item.receivedAt,
      actor: 'submitter',
      action: 'received',
      subjectType: 'feedback',
      subjectId: item.id,
      detail: { kind: item.kind, routedTo: item.routedTo, unitId: item.unitId },
    }),
  ];
  try {
    await database.write(() => database.client.batch(statements));
    return { ok: true };
  } catch (e) {
    if (isRateLimitViolation(e))
      return { ok: false, reason: 'rate_limited', retryAfterS: await retryAfter(database, opts.rateHits, opts.now) };
    const target = uniqueViolation(e);
    if (target === 'feedback_items.idempotency_key') return { ok: false, reason: 'duplicate_key' };
    if (target === 'feedback_items.tracking_code') return { ok: false, reason: 'tracking_code_taken' };
    if (target === 'altcha_used.id') return { ok: false, reason: 'challenge_used' };
    // The item's only foreign key is its unit: the database, not an extra query, checks the unit exists.
    if (
      /FOREIGN KEY constraint failed/.test(
        String((e as { message?: unknown }).message) + String((e as { cause?: Error }).cause?.message),
      )
    )
      return { ok: false, reason: 'unknown_unit' };
    throw e;
  }
}

export async function findByIdempotencyKey(database: Database, key: string) {
  const [row] = await database.db
    .select({
      trackingCode: feedbackItems.trackingCode,
      payloadHash: feedbackItems.payloadHash,
      routedTo: feedbackItems.routedTo,
      receivedAt: feedbackItems.receivedAt,
      state: feedbackItems.state,
    })
    .from(feedbackItems)
    .where(eq(feedbackItems.idempotencyKey, key));
  return row;
}

/** The item and the hash its query secret must match. */
export async function findByTrackingCode(
  database: Database,
  code: string,
): Promise<{ record: FeedbackRecord; secretHash: string } | undefined> {
  const [row] = await database.db
    .select({ ...recordColumns, secretHash: feedbackItems.secretHash })
    .from(feedbackItems)
    .where(eq(feedbackItems.trackingCode, code));
  if (!row) return undefined;
  const { secretHash, ...record } = row;
  return { record, secretHash };
}

export async function findFeedback(database: Database, id: string): Promise<FeedbackRecord | undefined> {
  const [row] = await database.db.select(recordColumns).from(feedbackItems).where(eq(feedbackItems.id, id));
  return row;
}

const timelineActions: ReadonlySet<string> = new Set(['received', ...feedbackActions]);

/**
 * The item's history for its timeline (public notes only; details stay internal). Staff-only events on
 * the item (internal notes, redactions, routing) are in the audit log but never on the timeline.
 */
export async function listEvents(database: Database, feedbackId: string): Promise<StoredEvent[]> {
  const rows = await listAudit(database, 'feedback', feedbackId);
  return rows
    .filter((r) => timelineActions.has(r.action))
    .map((r) => ({ action: r.action as StoredEvent['action'], at: r.at, publicNote: r.publicNote }));
}

export type ChangeResult = { ok: true; record: FeedbackRecord } | { ok: false; reason: 'conflict' };

/**
 * Apply a decided command: the update names the version it was decided on, and the audit row is
 * written only if that update changed the row, in one batch. A concurrent change makes it a conflict.
 */
export async function applyChange(
  database: Database,
  record: Pick<FeedbackRecord, 'id' | 'version'>,
  patch: FeedbackPatch,
  event: FeedbackEvent,
  now: Date,
  detail: Record<string, unknown> = {},
): Promise<ChangeResult> {
  const { db } = database;
  const update = db
    .update(feedbackItems)
    .set({ ...patch, version: record.version + 1 })
    .where(and(eq(feedbackItems.id, record.id), eq(feedbackItems.version, record.version)));
  const audit = db.run(
    auditIfChanged({
      at: now,
      actor: event.actor,
      action: event.action,
      subjectType: 'feedback',
      subjectId: record.id,
      detail: { from: event.from, to: event.to, ...detail },
      publicNote: event.publicNote ?? null,
    }),
  );
  // The submitter's notification follows the guarded audit insert: it is written only if the reply was.
  const notify = event.action === 'reply' ? [db.run(replyStatement(record.id, now))] : [];
  const [updated] = await database.write(() => db.batch([update, audit, ...notify]));
  if (updated.rowsAffected !== 1) return { ok: false, reason: 'conflict' };
  const fresh = await findFeedback(database, record.id);
  return fresh ? { ok: true, record: fresh } : { ok: false, reason: 'conflict' };
}

/** Published items of a unit, newest first (the caller maps them through toPublicFeedback). */
export async function listPublished(database: Database, unitId: string, limit = 50): Promise<FeedbackRecord[]> {
  return database.db
    .select(recordColumns)
    .from(feedbackItems)
    .where(
      and(
        eq(feedbackItems.unitId, unitId),
        eq(feedbackItems.visibility, 'published'),
        eq(feedbackItems.publicConsent, true),
        eq(feedbackItems.routedTo, 'unit'),
      ),
    )
    .orderBy(desc(feedbackItems.receivedAt), desc(feedbackItems.id))
    .limit(limit);
}

/** The columns of DeadlineFacts (also read by the statistics aggregates). */
export const deadlineFactColumns = {
  state: feedbackItems.state,
  receivedAt: feedbackItems.receivedAt,
  acceptedAt: feedbackItems.acceptedAt,
  extensionDays: feedbackItems.extensionDays,
  reopenedAt: feedbackItems.reopenedAt,
  firstAnsweredAt: feedbackItems.firstAnsweredAt,
  firstAnswerDueAt: feedbackItems.firstAnswerDueAt,
  routedTo: feedbackItems.routedTo,
};

/** The deadline facts of every item routed to the unit (for its on-time reply rate). */
export async function listDeadlineFacts(database: Database, unitId: string): Promise<DeadlineFacts[]> {
  return database.db
    .select(deadlineFactColumns)
    .from(feedbackItems)
    .where(and(eq(feedbackItems.unitId, unitId), eq(feedbackItems.routedTo, 'unit')));
}

/**
 * The unit staff's inbox: never items routed to the commission (misconduct-report material is not shown to the
 * unit it concerns, DOMAIN.md §6.1 art.30) and never contact details.
 */
export async function listUnitInbox(database: Database, unitId: string): Promise<FeedbackRecord[]> {
  return database.db
    .select(recordColumns)
    .from(feedbackItems)
    .where(and(eq(feedbackItems.unitId, unitId), eq(feedbackItems.routedTo, 'unit')))
    .orderBy(desc(feedbackItems.receivedAt));
}

/** The commission's inbox of misconduct reports. */
export async function listCommissionInbox(database: Database): Promise<FeedbackRecord[]> {
  return database.db
    .select(recordColumns)
    .from(feedbackItems)
    .where(eq(feedbackItems.routedTo, 'commission'))
    .orderBy(desc(feedbackItems.receivedAt));
}

/** The sealed contact of an item (commission use only; decrypt with the contact key). */
export async function findSealedContact(database: Database, feedbackId: string): Promise<string | undefined> {
  const [row] = await database.db
    .select({ sealed: feedbackContacts.sealed })
    .from(feedbackContacts)
    .where(eq(feedbackContacts.feedbackId, feedbackId));
  return row?.sealed;
}

/**
 * Delete contacts of items closed before `closedBefore` (retention, DOMAIN.md §7.3; PIPL art.47),
 * with one audit row per deletion in the same batch.
 */
export async function purgeContacts(database: Database, closedBefore: Date, now: Date): Promise<number> {
  const rows = await database.db
    .select({ id: feedbackItems.id })
    .from(feedbackItems)
    .innerJoin(feedbackContacts, eq(feedbackContacts.feedbackId, feedbackItems.id))
    .where(and(eq(feedbackItems.state, 'closed'), sql`${feedbackItems.closedAt} < ${closedBefore.getTime()}`));
  if (rows.length === 0) return 0;
  const { db } = database;
  const statements = rows.flatMap((r) => [
    db.delete(feedbackContacts).where(eq(feedbackContacts.feedbackId, r.id)),
    db.update(feedbackItems).set({ hasContact: false }).where(eq(feedbackItems.id, r.id)),
    auditStatement(database, {
      at: now,
      actor: 'system',
      action: 'contactPurged',
      subjectType: 'feedback',
      subjectId: r.id,
    }),
  ]);
  await database.write(() => db.batch(statements as [(typeof statements)[number], ...typeof statements]));
  return rows.length;
}

export async function countFeedback(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: count() }).from(feedbackItems);
  return row?.n ?? 0;
}
