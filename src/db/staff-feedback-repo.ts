import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from './client.ts';
import {
  auditEvents,
  feedbackContacts,
  feedbackItems,
  feedbackNotes,
  feedbackRedactions,
  staffAccounts,
} from './schema.ts';
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

/** One text a moderator replaces: `dishes` is the meal record's dishes. */
export interface TextChange {
  id: string;
  field: 'body' | 'suggestion' | 'dishes';
  original: string;
  text: string;
}

/**
 * Replace texts with their redacted (or masked) versions in one guarded update; each original goes to
 * feedback_redactions. `how` says in the audit row whether a person rewrote the text or the detector
 * masked it.
 */
export async function redactText(
  database: Database,
  record: Pick<FeedbackRecord, 'id' | 'version' | 'meal'>,
  r: { changes: readonly TextChange[]; accountId: string; at: Date; how: 'redact' | 'mask' },
): Promise<boolean> {
  const { db } = database;
  const set: Partial<typeof feedbackItems.$inferInsert> = { version: record.version + 1 };
  for (const c of r.changes) {
    if (c.field === 'dishes') {
      if (!record.meal) throw new Error('no meal record to redact');
      set.meal = { ...record.meal, dishes: c.text };
    } else set[c.field] = c.text;
  }
  const [updated] = await database.write(() =>
    db.batch([
      db
        .update(feedbackItems)
        .set(set)
        .where(and(eq(feedbackItems.id, record.id), eq(feedbackItems.version, record.version))),
      db.run(
        auditIfChanged({
          at: r.at,
          actor: `staff:${r.accountId}`,
          action: 'redact',
          subjectType: 'feedback',
          subjectId: record.id,
          detail:
            r.changes.length === 1 && r.how === 'redact'
              ? { field: r.changes[0]!.field, redactionId: r.changes[0]!.id }
              : { how: r.how, fields: r.changes.map((c) => c.field), redactionIds: r.changes.map((c) => c.id) },
        }),
      ),
      // Kept only when the update (and so its audit row) went through: the statement before each changed one row.
      ...r.changes.map((c) =>
        db.run(
          sql`INSERT INTO ${feedbackRedactions} (id, feedback_id, field, original, account_id, at)
            SELECT ${c.id}, ${record.id}, ${c.field}, ${c.original}, ${r.accountId}, ${r.at.getTime()} WHERE changes() = 1`,
        ),
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

/** The audit action of a call-back (a contact reveal); the audit page counts these. */
export const CONTACT_REVEALED = 'contactRevealed';

/**
 * Read an item's sealed contact for a call-back, with its audit row (who, which item, the reason — never the
 * phone) in the same batch: one transaction, so no phone is read without its audit row and no row is written
 * for a contact that is not there (already purged, or never given). Undefined when there is none.
 */
export async function revealSealedContact(
  database: Database,
  r: { feedbackId: string; accountId: string; reason: string; at: Date },
): Promise<string | undefined> {
  const { db } = database;
  const detail = JSON.stringify({ reason: r.reason });
  const [, rows] = await database.write(() =>
    db.batch([
      db.run(sql`INSERT INTO ${auditEvents} (at, actor, action, subject_type, subject_id, detail, public_note)
        SELECT ${r.at.getTime()}, ${`staff:${r.accountId}`}, ${CONTACT_REVEALED}, 'feedback', ${r.feedbackId}, ${detail}, NULL
        WHERE EXISTS (SELECT 1 FROM ${feedbackContacts} WHERE ${feedbackContacts.feedbackId} = ${r.feedbackId})`),
      db
        .select({ sealed: feedbackContacts.sealed })
        .from(feedbackContacts)
        .where(eq(feedbackContacts.feedbackId, r.feedbackId)),
    ]),
  );
  return rows[0]?.sealed;
}

/** How many call-backs (contact reveals) the audit log holds. */
export async function countContactReveals(database: Database): Promise<number> {
  const [row] = await database.db
    .select({ n: count() })
    .from(auditEvents)
    .where(eq(auditEvents.action, CONTACT_REVEALED));
  return row?.n ?? 0;
}
