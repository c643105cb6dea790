import { z } from 'zod';

/**
 * Deadlines as data (STYLE.md rule 3). Defaults follow the 2022 petition regulations (DOMAIN.md §6.1, §9): written
 * acknowledgement within 15 days of receipt (art.23), handling within 60 days of acceptance (art.34),
 * one extension of at most 30 days with the reason told to the submitter (art.34), a review
 * requested within 30 days of the reply and answered within 30 days (art.35). Calendar days.
 */
export const FeedbackRules = z.strictObject({
  acknowledgeDays: z.number().int().min(1).max(60).default(15),
  handleDays: z.number().int().min(1).max(365).default(60),
  extensionMaxDays: z.number().int().min(1).max(90).default(30),
  reopenWindowDays: z.number().int().min(1).max(365).default(30),
  reviewDays: z.number().int().min(1).max(365).default(30),
});
export type FeedbackRules = z.infer<typeof FeedbackRules>;
export const defaultFeedbackRules: FeedbackRules = Object.freeze(FeedbackRules.parse({}));

const DAY_MS = 86_400_000;
export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);

/** The timestamps the deadlines are computed from. */
export interface DeadlineFacts {
  state: string;
  receivedAt: Date;
  acceptedAt: Date | null;
  extensionDays: number | null;
  reopenedAt: Date | null;
  firstAnsweredAt: Date | null;
  /** The deadline that applied when the item was first answered (replied or closed unaccepted). */
  firstAnswerDueAt: Date | null;
  routedTo: 'unit' | 'commission';
}

export interface Deadlines {
  /** Acknowledge (accept or decline) by. */
  acknowledgeBy: Date;
  /** Reply by (after acceptance, including any extension). */
  handleBy: Date | null;
  /** Answer a reopened item by. */
  reviewBy: Date | null;
}

/** Every deadline of an item. */
export function deadlinesOf(f: DeadlineFacts, rules: FeedbackRules): Deadlines {
  return {
    acknowledgeBy: addDays(f.receivedAt, rules.acknowledgeDays),
    handleBy: f.acceptedAt ? addDays(f.acceptedAt, rules.handleDays + (f.extensionDays ?? 0)) : null,
    reviewBy: f.reopenedAt ? addDays(f.reopenedAt, rules.reviewDays) : null,
  };
}

/** The deadline the unit is working against now; null when nothing is pending. */
export function currentDeadline(f: DeadlineFacts, rules: FeedbackRules): Date | null {
  const d = deadlinesOf(f, rules);
  switch (f.state) {
    case 'received':
      return d.acknowledgeBy;
    case 'accepted':
    case 'extended':
      return d.handleBy;
    case 'reopened':
      return d.reviewBy;
    default:
      return null;
  }
}

/**
 * Overdue is computed from the clock, never stored: the current deadline has passed. Items routed
 * to the commission follow the commission's own rules and are never overdue here.
 */
export function isOverdue(f: DeadlineFacts, now: Date, rules: FeedbackRules): boolean {
  if (f.routedTo === 'commission') return false;
  const due = currentDeadline(f, rules);
  return due !== null && now.getTime() > due.getTime();
}

export interface OnTimeRate {
  /** Items whose first answer was due by now or has been given. */
  due: number;
  /** Of those, answered no later than the deadline that applied. */
  onTime: number;
  /** onTime / due, or null when nothing was due. */
  rate: number | null;
}

/**
 * A unit's on-time reply rate. An item counts once it has been answered (replied, or declined before
 * acceptance) or its deadline has passed unanswered; it is on time when the first answer came no later
 * than the deadline then in force. Reports routed to the commission are not the unit's and do not count.
 */
export function onTimeReplyRate(items: readonly DeadlineFacts[], now: Date, rules: FeedbackRules): OnTimeRate {
  let due = 0;
  let onTime = 0;
  for (const f of items) {
    if (f.routedTo === 'commission') continue;
    if (f.firstAnsweredAt && f.firstAnswerDueAt) {
      due += 1;
      if (f.firstAnsweredAt.getTime() <= f.firstAnswerDueAt.getTime()) onTime += 1;
      continue;
    }
    const deadline = currentDeadline(f, rules);
    if (deadline && now.getTime() > deadline.getTime()) due += 1;
  }
  return { due, onTime, rate: due === 0 ? null : onTime / due };
}
