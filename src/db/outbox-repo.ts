import { and, asc, count, eq, inArray, isNotNull, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Database } from './client.ts';
import { feedbackContacts, feedbackItems, outbox, staffAccounts, staffAccountUnits, units } from './schema.ts';
import { deadlineFactColumns } from './feedback-repo.ts';
import type { NotificationChannel, NotificationEvent } from '../domain/notifications/events.ts';
import type { DeadlineFacts } from '../domain/feedback/deadlines.ts';

/**
 * The transactional outbox (issue 17). The `*Statement` functions return SQL for the caller's own
 * batch, so a notification commits with the change it announces or not at all. Rows name recipients by
 * reference; addresses are read when a row is delivered (`findAddress`).
 */

const newId = sql`lower(hex(randomblob(16)))`;

/** Staff recipients: the channel's address column. */
const addressColumn = { email: staffAccounts.email, sms: staffAccounts.phone } as const;

/** New item → every active responder of its unit, one row per channel the account has an address for. */
export function newItemStatements(feedbackId: string, unitId: string, now: Date): SQL[] {
  return (['email', 'sms'] as const).map(
    (
      channel,
    ) => sql`INSERT INTO ${outbox} (id, event, subject_id, recipient_kind, recipient_id, channel, created_at, next_attempt_at)
      SELECT ${newId}, 'feedbackReceived', ${feedbackId}, 'staff', a.id, ${channel}, ${now.getTime()}, ${now.getTime()}
      FROM ${staffAccounts} a JOIN ${staffAccountUnits} u ON u.account_id = a.id
      WHERE u.unit_id = ${unitId} AND a.role = 'responder' AND a.disabled_at IS NULL
        AND a.${sql.raw(channel === 'email' ? 'email' : 'phone')} IS NOT NULL`,
  );
}

/**
 * Reply published → the submitter, by text, if they left a phone and asked to be told. Runs right after
 * the guarded audit insert of the same batch, so `changes() = 1` holds only if the reply was stored.
 */
export function replyStatement(feedbackId: string, now: Date): SQL {
  return sql`INSERT INTO ${outbox} (id, event, subject_id, recipient_kind, recipient_id, channel, created_at, next_attempt_at)
    SELECT ${newId}, 'replyPublished', ${feedbackId}, 'submitter', ${feedbackId}, 'sms', ${now.getTime()}, ${now.getTime()}
    FROM ${feedbackContacts} c WHERE c.feedback_id = ${feedbackId} AND c.notify = 1 AND changes() = 1`;
}

export interface ReminderItem extends DeadlineFacts {
  id: string;
  unitId: string;
}

/** Items that may need a deadline reminder: not closed, routed to a unit. */
export async function listOpenItems(database: Database): Promise<ReminderItem[]> {
  return database.db
    .select({ id: feedbackItems.id, unitId: feedbackItems.unitId, ...deadlineFactColumns })
    .from(feedbackItems)
    .where(
      and(
        inArray(feedbackItems.state, ['received', 'accepted', 'extended', 'reopened']),
        eq(feedbackItems.routedTo, 'unit'),
      ),
    );
}

/**
 * Enqueue a deadline reminder for the unit's responders and every moderator, once per (item, event, due
 * day, account, channel): the unique dedupe key makes a second scan a no-op. Returns rows added.
 */
export async function enqueueReminder(
  database: Database,
  item: { id: string; unitId: string },
  reminder: { event: 'deadlineSoon' | 'deadlinePassed'; due: string },
  now: Date,
): Promise<number> {
  const { db } = database;
  const statements = (['email', 'sms'] as const).map((channel) => {
    const column = sql.raw(channel === 'email' ? 'email' : 'phone');
    const key = `${reminder.event}:${item.id}:${reminder.due}:`;
    return db.run(sql`INSERT OR IGNORE INTO ${outbox} (id, event, subject_id, recipient_kind, recipient_id, channel, dedupe_key, created_at, next_attempt_at)
      SELECT ${newId}, ${reminder.event}, ${item.id}, 'staff', a.id, ${channel}, ${key} || a.id || ':' || ${channel}, ${now.getTime()}, ${now.getTime()}
      FROM ${staffAccounts} a
      WHERE a.disabled_at IS NULL AND a.${column} IS NOT NULL
        AND (a.role = 'moderator' OR (a.role = 'responder'
          AND EXISTS (SELECT 1 FROM ${staffAccountUnits} u WHERE u.account_id = a.id AND u.unit_id = ${item.unitId})))`);
  });
  const results = await database.write(() => db.batch([statements[0]!, statements[1]!]));
  return results.reduce((n, r) => n + r.rowsAffected, 0);
}

export interface PendingRow {
  id: string;
  event: NotificationEvent;
  subjectId: string;
  recipientKind: 'staff' | 'submitter';
  recipientId: string;
  channel: NotificationChannel;
  attempts: number;
}

/** Rows due for an attempt, oldest first. */
export async function listDue(database: Database, now: Date, limit: number): Promise<PendingRow[]> {
  return database.db
    .select({
      id: outbox.id,
      event: outbox.event,
      subjectId: outbox.subjectId,
      recipientKind: outbox.recipientKind,
      recipientId: outbox.recipientId,
      channel: outbox.channel,
      attempts: outbox.attempts,
    })
    .from(outbox)
    .where(and(isNull(outbox.deliveredAt), isNull(outbox.failedAt), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
    .limit(limit);
}

/** The address a row goes to now: a staff account's e-mail or phone, or the submitter's sealed phone. */
export async function findAddress(
  database: Database,
  row: Pick<PendingRow, 'recipientKind' | 'recipientId' | 'channel'>,
): Promise<{ address: string; sealed: boolean } | undefined> {
  if (row.recipientKind === 'submitter') {
    const [c] = await database.db
      .select({ sealed: feedbackContacts.sealed, notify: feedbackContacts.notify })
      .from(feedbackContacts)
      .where(eq(feedbackContacts.feedbackId, row.recipientId));
    return c?.notify ? { address: c.sealed, sealed: true } : undefined;
  }
  const [a] = await database.db
    .select({ address: addressColumn[row.channel], disabledAt: staffAccounts.disabledAt })
    .from(staffAccounts)
    .where(eq(staffAccounts.id, row.recipientId));
  return a?.address && !a.disabledAt ? { address: a.address, sealed: false } : undefined;
}

/** What a message about an item may say: its tracking code and its unit's name. */
export async function findSubject(
  database: Database,
  feedbackId: string,
): Promise<{ trackingCode: string; unitName: string } | undefined> {
  const [row] = await database.db
    .select({ trackingCode: feedbackItems.trackingCode, unitName: units.name })
    .from(feedbackItems)
    .innerJoin(units, eq(units.id, feedbackItems.unitId))
    .where(eq(feedbackItems.id, feedbackId));
  return row;
}

export async function markDelivered(database: Database, id: string, now: Date): Promise<void> {
  await database.write(() =>
    database.db
      .update(outbox)
      .set({ deliveredAt: now, attempts: sql`${outbox.attempts} + 1`, lastError: null })
      .where(eq(outbox.id, id)),
  );
}

/** A failed attempt: try again at `retryAt`, or give up when it is null. */
export async function markFailed(
  database: Database,
  id: string,
  error: string,
  retryAt: Date | null,
  now: Date,
): Promise<void> {
  await database.write(() =>
    database.db
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        lastError: error,
        ...(retryAt ? { nextAttemptAt: retryAt } : { failedAt: now }),
      })
      .where(eq(outbox.id, id)),
  );
}

export interface OutboxCounts {
  pending: number;
  delivered: number;
  failed: number;
}

export async function countOutbox(database: Database): Promise<OutboxCounts> {
  const n = async (where: SQL | undefined) =>
    (await database.db.select({ n: count() }).from(outbox).where(where))[0]?.n ?? 0;
  return {
    pending: await n(and(isNull(outbox.deliveredAt), isNull(outbox.failedAt))),
    delivered: await n(isNotNull(outbox.deliveredAt)),
    failed: await n(isNotNull(outbox.failedAt)),
  };
}

/** Set or clear where an account is notified (staff:add, the console). */
export async function setStaffContact(
  database: Database,
  accountId: string,
  contact: { email: string | null; phone: string | null },
): Promise<void> {
  await database.write(() => database.db.update(staffAccounts).set(contact).where(eq(staffAccounts.id, accountId)));
}
