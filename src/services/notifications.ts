import { z } from 'zod';
import { t } from '../i18n/t.ts';
import type { MessageKey } from '../i18n/zh-CN/index.ts';
import type { Database } from '../db/client.ts';
import {
  claimDue,
  enqueueReminder,
  findAddress,
  findSubject,
  listOpenItems,
  markDelivered,
  markFailed,
  setStaffContact,
  type PendingRow,
} from '../db/outbox-repo.ts';
import type { FeedbackRules } from '../domain/feedback/deadlines.ts';
import { PHONE_PATTERN, normalisePhone } from '../domain/feedback/schema.ts';
import { formatCode } from '../domain/feedback/tracking.ts';
import {
  REMINDER_DAYS_BEFORE,
  nextAttemptAt,
  reminderDue,
  type NotificationChannel,
  type NotificationEvent,
  type RetryPolicy,
} from '../domain/notifications/events.ts';
import { unseal } from '../lib/crypto.ts';
import type { Logger } from '../lib/log.ts';
import { parseInput } from './fields.ts';
import { invalid, type Failure } from './outcome.ts';
import type { DeliveryChannel, OutgoingMessage } from './notify-channels.ts';

/**
 * The notification dispatcher (issue 17). The events are written to the outbox by the changes themselves
 * (src/db/outbox-repo.ts, in the same batch); this delivers them.
 *
 * Guarantee: at least once, and exactly once where the channel honours the idempotency key. A row is
 * claimed (one attempt counted, leased for `leaseMs`), handed to its channel with its row id as the
 * idempotency key, and marked delivered only after the channel accepted it. A crash before the send
 * leaves the row to be sent after the lease; a crash after the send but before the mark sends it again
 * after the lease with the same key: the HTTP SMS channel passes it as `Idempotency-Key`, so a provider
 * that deduplicates on it delivers once; SMTP has no such thing, so the same mail (same Message-ID) may
 * arrive twice in that narrow window. Failures are retried with exponential backoff until the policy's
 * attempts are used up; then the row is `failed` (counted on the admin's audit page).
 */
export interface DispatcherOptions {
  database: Database;
  /** CONTACT_KEY: opens the submitter's sealed phone at delivery time. */
  contactKey: Buffer;
  channels: Partial<Record<NotificationChannel, DeliveryChannel>>;
  logger: Logger;
  now: () => Date;
  policy: RetryPolicy;
  /** How long a claimed row is left alone before another run may take it (longer than a send can take). */
  leaseMs: number;
  /** Rows tried per run. */
  batchSize?: number;
  /** The signature texts open with: the site's name (content/city.yaml), as SMS providers require. */
  signature: string;
}

export interface RunReport {
  delivered: number;
  retrying: number;
  failed: number;
}

/**
 * Each event's texts, named one by one (not built from the event name), so every key is checked by the
 * type system and found by the messages test and knip.
 */
const texts: Record<NotificationEvent, { subject: MessageKey; text: MessageKey }> = {
  feedbackReceived: { subject: 'notify.feedbackReceived.subject', text: 'notify.feedbackReceived.text' },
  deadlineSoon: { subject: 'notify.deadlineSoon.subject', text: 'notify.deadlineSoon.text' },
  deadlinePassed: { subject: 'notify.deadlinePassed.subject', text: 'notify.deadlinePassed.text' },
  replyPublished: { subject: 'notify.replyPublished.subject', text: 'notify.replyPublished.text' },
};

/**
 * The message of a row. Only the submitter's own text carries the tracking code; staff texts name the
 * unit alone (a responder never sees tracking codes, and nothing identifies the submitter).
 */
export function messageFor(
  row: Pick<PendingRow, 'id' | 'event' | 'recipientKind'>,
  to: string,
  subject: { trackingCode: string; unitName: string },
  signature: string,
): OutgoingMessage {
  const vars =
    row.recipientKind === 'submitter'
      ? { site: signature, code: formatCode(subject.trackingCode) }
      : { site: signature, unit: subject.unitName, days: REMINDER_DAYS_BEFORE };
  const keys = texts[row.event];
  return { idempotencyKey: row.id, to, subject: t(keys.subject), text: t(keys.text, vars) };
}

/** Claim every row that is due and try it once; returns what happened. Never throws for a channel's failure. */
export async function dispatchDue(opts: DispatcherOptions): Promise<RunReport> {
  const report: RunReport = { delivered: 0, retrying: 0, failed: 0 };
  const now = opts.now();
  const rows = await claimDue(opts.database, {
    now,
    leaseUntil: new Date(now.getTime() + opts.leaseMs),
    limit: opts.batchSize ?? 50,
    maxAttempts: opts.policy.maxAttempts,
  });
  for (const row of rows) {
    const giveUp = async (error: string) => {
      await markFailed(opts.database, row.id, error, null, opts.now());
      report.failed++;
      opts.logger.warn('notification dropped', { event: row.event, channel: row.channel, error });
    };
    const channel = opts.channels[row.channel];
    if (!channel) {
      await giveUp('no_channel');
      continue;
    }
    const [address, subject] = await Promise.all([
      findAddress(opts.database, row),
      findSubject(opts.database, row.subjectId),
    ]);
    if (!address || !subject) {
      await giveUp('no_address');
      continue;
    }
    const to = address.sealed
      ? unseal(opts.contactKey, address.address, `feedback-contact:${row.recipientId}`)
      : address.address;
    if (to === null) {
      await giveUp('unreadable_contact');
      continue;
    }
    const result = await channel.deliver(messageFor(row, to, subject, opts.signature));
    if (result.ok) {
      await markDelivered(opts.database, row.id, opts.now());
      report.delivered++;
      continue;
    }
    const retryAt = result.retry ? nextAttemptAt(row.attempts, opts.now(), opts.policy) : null;
    await markFailed(opts.database, row.id, result.error, retryAt, opts.now());
    if (retryAt) report.retrying++;
    else report.failed++;
    opts.logger.warn(retryAt ? 'notification will be retried' : 'notification failed', {
      event: row.event,
      channel: row.channel,
      error: result.error,
      attempts: row.attempts,
    });
  }
  return report;
}

/**
 * Enqueue the deadline reminders that are due now (REMINDER_DAYS_BEFORE days before the current deadline,
 * and once it has passed), each once: a repeated scan adds nothing. Returns the rows added.
 */
export async function scanReminders(database: Database, rules: FeedbackRules, now: Date): Promise<number> {
  let added = 0;
  for (const item of await listOpenItems(database)) {
    const due = reminderDue(item, now, rules);
    if (due) added += await enqueueReminder(database, item, due, now);
  }
  return added;
}

const optionalText = (max: number) =>
  z
    .string('notify.contact.invalid')
    .trim()
    .max(max, 'notify.contact.invalid')
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

/** The longest notification e-mail address (RFC 5321 path limit) and mobile number as typed (spaces, +86). */
export const CONTACT_EMAIL_MAX = 254;
export const CONTACT_PHONE_MAX = 20;

/** Where an account is told of items: an e-mail address and/or a mobile number; empty clears. */
export const StaffContactInput = z.strictObject({
  email: optionalText(CONTACT_EMAIL_MAX).refine(
    (s) => s == null || z.email().safeParse(s).success,
    'notify.email.invalid',
  ),
  phone: optionalText(CONTACT_PHONE_MAX).refine((s) => s == null || PHONE_PATTERN.test(s), 'notify.phone.invalid'),
});

/** Set where a staff account is notified (staff:add flags); audited without the addresses themselves. */
export async function setNotifyContact(
  database: Database,
  accountId: string,
  raw: unknown,
  actor: string,
  now: Date,
): Promise<{ ok: true } | Failure> {
  const parsed = parseInput(StaffContactInput, raw);
  if (!parsed.ok) return parsed;
  const { email, phone } = parsed.data;
  const stored = await setStaffContact(
    database,
    accountId,
    { email: email ?? null, phone: phone ? normalisePhone(phone) : null },
    actor,
    now,
  );
  return stored ? { ok: true } : invalid({ accountId: ['notify.account.unknown'] });
}

export interface NotificationSchedule {
  /** Run the dispatcher now (and wait for it); runs never overlap. */
  runNow(): Promise<RunReport>;
  /** Stop the timers, wait for a run in progress, close the channels. */
  stop(): Promise<void>;
}

/**
 * Start delivering in the server process: after `startDelayMs` the reminder scan and a delivery run, then
 * a run every `pollMs` and a scan every `reminderScanMs`. Runs never overlap.
 */
export function scheduleNotifications(
  opts: DispatcherOptions & { rules: FeedbackRules; startDelayMs: number; pollMs: number; reminderScanMs: number },
): NotificationSchedule {
  let running: Promise<RunReport> | null = null;
  let stopped = false;
  const onError = (what: string) => (e: unknown) =>
    opts.logger.warn(`${what} failed`, { error: e instanceof Error ? e.name : 'unknown' });
  const run = (): Promise<RunReport> =>
    (running ??= dispatchDue(opts).finally(() => {
      running = null;
    }));
  let pollTimer: ReturnType<typeof setInterval> | null = null;
  let scanTimer: ReturnType<typeof setInterval> | null = null;
  let scanning: Promise<unknown> | null = null;
  const scan = () =>
    (scanning ??= scanReminders(opts.database, opts.rules, opts.now())
      .then(() => run())
      .finally(() => {
        scanning = null;
      }));
  const startTimer = setTimeout(() => {
    if (stopped) return;
    scan().catch(onError('reminder scan'));
    pollTimer = setInterval(() => void run().catch(onError('notification run')), opts.pollMs);
    pollTimer.unref();
    scanTimer = setInterval(() => void scan().catch(onError('reminder scan')), opts.reminderScanMs);
    scanTimer.unref();
  }, opts.startDelayMs);
  startTimer.unref();
  return {
    runNow: run,
    async stop() {
      stopped = true;
      clearTimeout(startTimer);
      if (pollTimer) clearInterval(pollTimer);
      if (scanTimer) clearInterval(scanTimer);
      await scanning?.catch(() => undefined);
      await running?.catch(() => undefined);
      for (const channel of Object.values(opts.channels)) channel.close?.();
    },
  };
}
