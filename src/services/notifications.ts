import { t } from '../i18n/t.ts';
import type { Database } from '../db/client.ts';
import {
  enqueueReminder,
  findAddress,
  findSubject,
  listDue,
  listOpenItems,
  markDelivered,
  markFailed,
  type PendingRow,
} from '../db/outbox-repo.ts';
import type { FeedbackRules } from '../domain/feedback/deadlines.ts';
import { formatCode } from '../domain/feedback/tracking.ts';
import {
  nextAttemptAt,
  reminderDue,
  type NotificationChannel,
  type RetryPolicy,
} from '../domain/notifications/events.ts';
import { unseal } from '../lib/crypto.ts';
import type { Logger } from '../lib/log.ts';
import type { DeliveryChannel, OutgoingMessage } from './notify-channels.ts';

/**
 * The notification dispatcher (issue 17). The events are written to the outbox by the changes themselves
 * (src/db/outbox-repo.ts, in the same batch); this delivers them, at least once: a row is marked
 * delivered only after its channel accepted it, so a crash between commit and delivery (or between
 * delivery and marking) leaves the row pending and the next run sends it again with the same
 * idempotency key, which the provider uses to drop the duplicate. Failures are retried with
 * exponential backoff (src/domain/notifications/events.ts) until the policy gives up.
 */
export interface DispatcherOptions {
  database: Database;
  /** CONTACT_KEY: opens the submitter's sealed phone at delivery time. */
  contactKey: Buffer;
  channels: Partial<Record<NotificationChannel, DeliveryChannel>>;
  logger: Logger;
  now: () => Date;
  policy: RetryPolicy;
  /** Rows tried per run. */
  batchSize?: number;
}

export interface RunReport {
  delivered: number;
  retrying: number;
  failed: number;
}

function messageFor(row: PendingRow, to: string, subject: { trackingCode: string; unitName: string }): OutgoingMessage {
  const vars = { code: formatCode(subject.trackingCode), unit: subject.unitName };
  return {
    idempotencyKey: row.id,
    to,
    subject: t(`notify.${row.event}.subject`),
    text: t(`notify.${row.event}.text`, vars),
  };
}

/** Try every row that is due once; returns what happened. Never throws for a channel's failure. */
export async function dispatchDue(opts: DispatcherOptions): Promise<RunReport> {
  const report: RunReport = { delivered: 0, retrying: 0, failed: 0 };
  const now = opts.now();
  const rows = await listDue(opts.database, now, opts.batchSize ?? 50);
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
    const result = await channel.deliver(messageFor(row, to, subject));
    if (result.ok) {
      await markDelivered(opts.database, row.id, opts.now());
      report.delivered++;
      continue;
    }
    const retryAt = result.retry ? nextAttemptAt(row.attempts + 1, opts.now(), opts.policy) : null;
    await markFailed(opts.database, row.id, result.error, retryAt, opts.now());
    if (retryAt) report.retrying++;
    else report.failed++;
    opts.logger.warn(retryAt ? 'notification will be retried' : 'notification failed', {
      event: row.event,
      channel: row.channel,
      error: result.error,
      attempts: row.attempts + 1,
    });
  }
  return report;
}

/**
 * Enqueue the deadline reminders that are due now (3 days before the current deadline, and once it has
 * passed), each once: a repeated scan adds nothing. Returns the rows added.
 */
export async function scanReminders(database: Database, rules: FeedbackRules, now: Date): Promise<number> {
  let added = 0;
  for (const item of await listOpenItems(database)) {
    const due = reminderDue(item, now, rules);
    if (due) added += await enqueueReminder(database, item, due, now);
  }
  return added;
}

export interface NotificationSchedule {
  /** Run the dispatcher now (and wait for it); the running loop is not disturbed. */
  runNow(): Promise<RunReport>;
  /** Stop the timers and wait for a run in progress. */
  stop(): Promise<void>;
}

/**
 * Start delivering in the server process: after `startDelayMs`, then every `pollMs`; the reminder scan
 * at start and every `reminderScanMs`. Runs never overlap.
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
  const scan = () => scanReminders(opts.database, opts.rules, opts.now()).then(() => run());
  const startTimer = setTimeout(() => {
    if (stopped) return;
    scan().catch(onError('notification run'));
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
      await running?.catch(() => undefined);
      for (const channel of Object.values(opts.channels)) channel.close?.();
    },
  };
}
