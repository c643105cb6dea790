import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import { feedbackItems, feedbackNotes, feedbackRedactions, staffAccounts } from './schema.ts';
import { auditIfChanged, auditStatement } from './audit-repo.ts';
import { recordColumns } from './feedback-repo.ts';
import type { FeedbackRecord } from '../domain/feedback/public.ts';

/**
 * Staff-only data on feedback items: internal notes, redactions (the original kept here, read by the
 * commission admin only), re-routing to the commission, and the moderation queue. Every change writes
 * its audit row in the same batch; changes to the item are guarded by its version.
 */
export async function insertNote(
  database: Database,
  n: { id: string; feedbackId: string; accountId: string; body: string; at: Date },
): Promise<void> {
  const { db } = database;
  await database.write(() =>
    db.batch([
      db.insert(feedbackNotes).values(n),
      auditStatement(database, {
        at: n.at,
        actor: `staff:${n.accountId}`,
        action: 'note',
        subjectType: 'feedback',
        subjectId: n.feedbackId,
        detail: { noteId: n.id },
      }),
    ]),
  );
}

export async function listNotes(database: Database, feedbackId: string) {
  return database.db
    .select({ id: feedbackNotes.id, body: feedbackNotes.body, at: feedbackNotes.at, author: staffAccounts.displayName })
    .from(feedbackNotes)
    .innerJoin(staffAccounts, eq(staffAccounts.id, feedbackNotes.accountId))
    .where(eq(feedbackNotes.feedbackId, feedbackId))
    .orderBy(asc(feedbackNotes.at), asc(feedbackNotes.id));
}

/** Replace a text with its redacted version; the original goes to feedback_redactions. */
export async function redactText(
  database: Database,
  record: Pick<FeedbackRecord, 'id' | 'version'>,
  r: { id: string; field: 'body' | 'suggestion'; original: string; text: string; accountId: string; at: Date },
): Promise<boolean> {
  const { db } = database;
  const [updated] = await database.write(() =>
    db.batch([
      db
        .update(feedbackItems)
        .set({ [r.field]: r.text, version: record.version + 1 })
        .where(and(eq(feedbackItems.id, record.id), eq(feedbackItems.version, record.version))),
      db.run(
        auditIfChanged({
          at: r.at,
          actor: `staff:${r.accountId}`,
          action: 'redact',
          subjectType: 'feedback',
          subjectId: record.id,
          detail: { field: r.field, redactionId: r.id },
        }),
      ),
      // Kept only when the update (and so its audit row) went through: the audit insert changed one row.
      db.run(
        sql`INSERT INTO ${feedbackRedactions} (id, feedback_id, field, original, account_id, at)
          SELECT ${r.id}, ${record.id}, ${r.field}, ${r.original}, ${r.accountId}, ${r.at.getTime()} WHERE changes() = 1`,
      ),
    ]),
  );
  return updated.rowsAffected === 1;
}

export async function listRedactions(database: Database, feedbackId: string) {
  return database.db
    .select({ field: feedbackRedactions.field, original: feedbackRedactions.original, at: feedbackRedactions.at })
    .from(feedbackRedactions)
    .where(eq(feedbackRedactions.feedbackId, feedbackId))
    .orderBy(asc(feedbackRedactions.at));
}

/** A misconduct report filed under another kind: route it to the commission, never to be published. */
export async function routeToCommission(
  database: Database,
  record: Pick<FeedbackRecord, 'id' | 'version' | 'kind'>,
  r: { accountId: string; reason: string; at: Date },
): Promise<boolean> {
  const { db } = database;
  const [updated] = await database.write(() =>
    db.batch([
      db
        .update(feedbackItems)
        .set({
          kind: 'misconductReport',
          routedTo: 'commission',
          publicConsent: false,
          visibility: 'hidden',
          version: record.version + 1,
        })
        .where(
          and(
            eq(feedbackItems.id, record.id),
            eq(feedbackItems.version, record.version),
            eq(feedbackItems.routedTo, 'unit'),
          ),
        ),
      db.run(
        auditIfChanged({
          at: r.at,
          actor: `staff:${r.accountId}`,
          action: 'route',
          subjectType: 'feedback',
          subjectId: record.id,
          detail: { fromKind: record.kind, reason: r.reason },
        }),
      ),
    ]),
  );
  return updated.rowsAffected === 1;
}

/** New items awaiting moderation (commission material is not moderated here). */
export async function listModerationQueue(database: Database): Promise<FeedbackRecord[]> {
  return database.db
    .select(recordColumns)
    .from(feedbackItems)
    .where(and(eq(feedbackItems.visibility, 'pending'), eq(feedbackItems.routedTo, 'unit')))
    .orderBy(desc(feedbackItems.receivedAt), desc(feedbackItems.id));
}

/**
 * The tracking codes of some items (as stored, without dashes). For the commission's own staff only
 * (moderators, the admin): the unit an item is about never gets its code (src/staff/feedback.ts).
 */
export async function trackingCodesOf(database: Database, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await database.db
    .select({ id: feedbackItems.id, code: feedbackItems.trackingCode })
    .from(feedbackItems)
    .where(inArray(feedbackItems.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r.code]));
}
