import { currentDeadline, type DeadlineFacts, type FeedbackRules } from '../feedback/deadlines.ts';
import { beijingDate, daysBetween } from '../calendar/dates.ts';

/**
 * What the portal tells people (issue 17), as data: the events, the channels, the retry schedule and
 * when a deadline reminder is due. Pure: the clock comes in as an argument.
 */
export const notificationEvents = ['feedbackReceived', 'deadlineSoon', 'deadlinePassed', 'replyPublished'] as const;
export type NotificationEvent = (typeof notificationEvents)[number];

export const notificationChannels = ['email', 'sms'] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

/** A reminder goes out when the current deadline is this many calendar days away or fewer. */
export const REMINDER_DAYS_BEFORE = 3;

export interface ReminderDue {
  event: 'deadlineSoon' | 'deadlinePassed';
  /** The due day (YYYY-MM-DD, Beijing) the reminder is about: part of its once-only key. */
  due: string;
}

/**
 * The reminder an open item needs now, if any: `deadlinePassed` from the day after its current deadline,
 * `deadlineSoon` from REMINDER_DAYS_BEFORE days before it. A new deadline (after an extension or a
 * reopening) is a new due day, so it gets reminders of its own.
 */
export function reminderDue(f: DeadlineFacts, now: Date, rules: FeedbackRules): ReminderDue | null {
  const due = currentDeadline(f, rules);
  if (!due) return null;
  const left = daysBetween(beijingDate(now), due.date);
  if (left < 0) return { event: 'deadlinePassed', due: due.date };
  if (left <= REMINDER_DAYS_BEFORE) return { event: 'deadlineSoon', due: due.date };
  return null;
}

export interface RetryPolicy {
  /** Delay before the second attempt, in milliseconds; doubles each time. */
  baseMs: number;
  /** Longest delay between two attempts. */
  maxMs: number;
  /** Attempts before a row is given up (failed). */
  maxAttempts: number;
}

/** When to try again after `attempts` failed attempts (exponential backoff), or null to give up. */
export function nextAttemptAt(attempts: number, now: Date, policy: RetryPolicy): Date | null {
  if (attempts >= policy.maxAttempts) return null;
  const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + delay);
}
