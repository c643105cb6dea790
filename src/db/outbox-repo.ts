import { and, asc, count, eq, gte, inArray, isNull, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { InStatement } from '@libsql/client';
import type { Database } from './client.ts';
import { compileSql } from './compiled.ts';
import { auditIfChanged } from './audit-repo.ts';
import { feedbackContacts, feedbackItems, outbox, staffAccounts, staffAccountUnits, units } from './schema.ts';
import { deadlineFactColumns } from './feedback-repo.ts';
import type { NotificationChannel, NotificationEvent } from '../domain/notifications/events.ts';
import type { DeadlineFacts } from '../domain/feedback/deadlines.ts';

/**
 * The transactional outbox (issue 17). The `*Statement(s)` functions return SQL for the caller's own
 * batch, so a notification commits with the change it announces or not at all. Rows name recipients by
 * reference; addresses are read when a row is delivered (`findAddress`), so a purged contact or a removed
 * address is never used.
 */

const newId = sql`lower(hex(randomblob(16)))`;

/** Staff recipients: the channel's address column (a constant per channel, never user input). */
const addressColumn = { email: staffAccounts.email, sms: staffAccounts.phone } as const;
const addressColumnName = { email: sql.raw('email'), sms: sql.raw('phone') } as const;
const channels = ['email', 'sms'] as const satisfies readonly NotificationChannel[];

/** New item → a channel's active responders of the unit (values given, or placeholders for the compiled form). */
const newItemFor = (channel: NotificationChannel, feedbackId: unknown, unitId: unknown, now: unknown): SQL =>
  sql`INSERT INTO ${outbox} (id, event, subject_id, recipient_kind, recipient_id, channel, created_at, next_attempt_at)
      SELECT ${newId}, 'feedbackReceived', ${feedbackId}, 'staff', a.id, ${channel}, ${now}, ${now}
      FROM ${staffAccounts} a JOIN ${staffAccountUnits} u ON u.account_id = a.id
      WHERE u.unit_id = ${unitId} AND a.role = 'responder' AND a.disabled_at IS NULL
        AND a.${addressColumnName[channel]} IS NOT NULL`;

const newItemCompiled = channels.map((channel) =>
  compileSql<'feedbackId' | 'unitId' | 'now'>(
    newItemFor(channel, sql.placeholder('feedbackId'), sql.placeholder('unitId'), sql.placeholder('now')),
  ),
);

/**
 * New item → every active responder of its unit, one row per channel the account has an address for; for a
 * batch sent to the client itself (src/db/compiled.ts).
 */
export function newItemInStatements(feedbackId: string, unitId: string, now: Date): InStatement[] {
  return newItemCompiled.map((c) => c({ feedbackId, unitId, now: now.getTime() }));
}

/**
 * Reply published → the submitter, by text, only if they left a phone and ticked the consent box. Runs
 * right after the guarded audit insert of the same batch, so `changes() = 1` holds only if the reply was
 * stored (a reply that lost a race writes no row).
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

/** Items that may need a deadline reminder: not answered or closed, routed to a unit. */
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
 * Enqueue a deadline reminder for the unit's responders and every moderator, once per (event, item, due
 * day, account, channel): the unique dedupe key makes a repeated scan a no-op (`INSERT OR IGNORE`).
 * Returns the rows added.
 */
export async function enqueueReminder(
  database: Database,
  item: { id: string; unitId: string },
  reminder: { event: 'deadlineSoon' | 'deadlinePassed'; due: string },
  now: Date,
): Promise<number> {
  const { db } = database;
  const key = `${reminder.event}:${item.id}:${reminder.due}:`;
  const [first, second] = channels.map((channel) =>
    db.run(sql`INSERT OR IGNORE INTO ${outbox} (id, event, subject_id, recipient_kind, recipient_id, channel, dedupe_key, created_at, next_attempt_at)
      SELECT ${newId}, ${reminder.event}, ${item.id}, 'staff', a.id, ${channel}, ${key} || a.id || ':' || ${channel}, ${now.getTime()}, ${now.getTime()}
      FROM ${staffAccounts} a
      WHERE a.disabled_at IS NULL AND a.${addressColumnName[channel]} IS NOT NULL
        AND (a.role = 'moderator' OR (a.role = 'responder'
          AND EXISTS (SELECT 1 FROM ${staffAccountUnits} u WHERE u.account_id = a.id AND u.unit_id = ${item.unitId})))`),
  );
  const results = await database.write(() => db.batch([first!, second!]));
  return results.reduce((n, r) => n + r.rowsAffected, 0);
}

export interface PendingRow {
  id: string;
  event: NotificationEvent;
  subjectId: string;
  recipientKind: 'staff' | 'submitter';
  recipientId: string;
  channel: NotificationChannel;
  /** Attempts so far, this one included (counted when the row is claimed). */
  attempts: number;
}

const pending = and(isNull(outbox.deliveredAt), isNull(outbox.failedAt));

/**
 * Claim the rows due now, oldest first, in one write: each claimed row counts an attempt and is not due
 * again until `leaseUntil`, so a second dispatcher (another instance) does not take it meanwhile, and a
 * dispatcher that crashed mid-send leaves it to be tried again after the lease. Rows whose attempts are
 * used up (the process died during their last one) are given up in the same batch.
 */
export async function claimDue(
  database: Database,
  opts: { now: Date; leaseUntil: Date; limit: number; maxAttempts: number },
): Promise<PendingRow[]> {
  const { db } = database;
  const due = and(pending, lte(outbox.nextAttemptAt, opts.now));
  const exhausted = db
    .update(outbox)
    .set({ failedAt: opts.now, lastError: 'attempts_exhausted' })
    .where(and(due, gte(outbox.attempts, opts.maxAttempts)));
  const ids = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(due, lt(outbox.attempts, opts.maxAttempts)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.createdAt))
    .limit(opts.limit);
  const claim = db
    .update(outbox)
    .set({ attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: opts.leaseUntil })
    .where(inArray(outbox.id, ids))
    .returning({
      id: outbox.id,
      event: outbox.event,
      subjectId: outbox.subjectId,
      recipientKind: outbox.recipientKind,
      recipientId: outbox.recipientId,
      channel: outbox.channel,
      attempts: outbox.attempts,
      createdAt: outbox.createdAt,
    });
  const [, claimed] = await database.write(() => db.batch([exhausted, claim]));
  return claimed
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map(({ createdAt: _createdAt, ...row }) => row);
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

/**
 * What a message about an item may say: its unit's name, and its tracking code, which only the submitter's
 * own message uses (a unit's responders never see tracking codes, src/staff/feedback.ts).
 */
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
      .set({ deliveredAt: now, lastError: null })
      .where(and(eq(outbox.id, id), pending)),
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
      .set({ lastError: error, ...(retryAt ? { nextAttemptAt: retryAt } : { failedAt: now }) })
      .where(and(eq(outbox.id, id), pending)),
  );
}

export interface OutboxCounts {
  pending: number;
  delivered: number;
  failed: number;
}

/** How many notifications wait, went out, or were given up (the admin's audit page). */
export async function countOutbox(database: Database): Promise<OutboxCounts> {
  const [row] = await database.db
    .select({
      total: count(),
      delivered: count(outbox.deliveredAt),
      failed: count(outbox.failedAt),
    })
    .from(outbox);
  const total = row?.total ?? 0;
  const delivered = row?.delivered ?? 0;
  const failed = row?.failed ?? 0;
  return { pending: total - delivered - failed, delivered, failed };
}

/** Where an account is notified (e-mail, phone; null clears), with its audit row, in one batch. */
export async function setStaffContact(
  database: Database,
  accountId: string,
  contact: { email: string | null; phone: string | null },
  actor: string,
  now: Date,
): Promise<boolean> {
  const { db } = database;
  const [updated] = await database.write(() =>
    db.batch([
      db.update(staffAccounts).set(contact).where(eq(staffAccounts.id, accountId)),
      // Which addresses are set, never the addresses themselves: the audit log is publishable data.
      db.run(
        auditIfChanged({
          at: now,
          actor,
          action: 'staff.account.contact',
          subjectType: 'staff_account',
          subjectId: accountId,
          detail: { email: contact.email !== null, phone: contact.phone !== null },
        }),
      ),
    ]),
  );
  return updated.rowsAffected === 1;
}

/** An account's id by its username (staff:add --contact-only). */
export async function findAccountId(database: Database, username: string): Promise<string | undefined> {
  const [row] = await database.db
    .select({ id: staffAccounts.id })
    .from(staffAccounts)
    .where(eq(staffAccounts.username, username));
  return row?.id;
}
