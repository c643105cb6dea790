import { z } from 'zod';
import { beijingDate, daysBetween } from '../calendar/dates.ts';
import { endOfBeijingDay, periodEnd, workingPeriodEnd, type DueDate } from '../calendar/periods.ts';
import type { WorkingDayCalendar } from '../calendar/working-days.ts';

/**
 * Deadlines as data (STYLE.md rule 3). Defaults follow the 2022 petition regulations (DOMAIN.md §6.1, §9): written
 * acknowledgement within 15 days of receipt (art.23), handling within 60 days of acceptance (art.34),
 * one extension of at most 30 days with the reason told to the submitter (art.34), a review
 * requested within 30 days of the reply and answered within 30 days (art.35); and, for misconduct reports
 * routed to the commission, an acknowledgement within 15 working days (the commission's 2020 rules on
 * handling reports, DOMAIN.md §6.2). Periods are counted by the day as Civil Code arts. 201–203 say (periods.ts).
 */
export const FeedbackRules = z.strictObject({
  acknowledgeDays: z.number().int().min(1).max(60).default(15),
  handleDays: z.number().int().min(1).max(365).default(60),
  extensionMaxDays: z.number().int().min(1).max(90).default(30),
  reopenWindowDays: z.number().int().min(1).max(365).default(30),
  reviewDays: z.number().int().min(1).max(365).default(30),
  commissionAcknowledgeWorkingDays: z.number().int().min(1).max(60).default(15),
});
/** The numbers above plus the working-day calendar the clocks count with (content/calendar, handed in as data). */
export type FeedbackRules = z.infer<typeof FeedbackRules> & { readonly calendar: WorkingDayCalendar };
/** The default numbers with `calendar`. */
export const feedbackRules = (
  calendar: WorkingDayCalendar,
  numbers: z.input<typeof FeedbackRules> = {},
): FeedbackRules => Object.freeze({ ...FeedbackRules.parse(numbers), calendar });

const DAY_MS = 86_400_000;
/** An instant `days` × 24 h later (for tests and retention windows; deadlines use calendar dates). */
export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);

/** The timestamps the deadlines are computed from. */
export interface DeadlineFacts {
  state: string;
  receivedAt: Date;
  acceptedAt: Date | null;
  extensionDays: number | null;
  reopenedAt: Date | null;
  firstAnsweredAt: Date | null;
  /**
   * The deadline that applied when the item was first answered (replied or closed unaccepted), stored
   * as the last instant of its due day (`endOfBeijingDay`), so `firstAnsweredAt <= firstAnswerDueAt`
   * means "answered on or before the due day".
   */
  firstAnswerDueAt: Date | null;
  routedTo: 'unit' | 'commission';
}

/** Every deadline of an item, as due dates (the last day of each period, Beijing). */
export interface Deadlines {
  /** Acknowledge (accept or decline) by. */
  acknowledgeBy: DueDate;
  /** Reply by (after acceptance, including any extension); null for the commission's reports. */
  handleBy: DueDate | null;
  /** Answer a reopened item by. */
  reviewBy: DueDate | null;
}

const day = beijingDate;

/** The handling period before any extension: 60 days from the day after acceptance. */
export function handleDueBeforeExtension(
  acceptedAt: Date,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): DueDate {
  return periodEnd(calendar, day(acceptedAt), rules.handleDays);
}

/** Every deadline of an item. An extension is a new period that starts the day after the original last day. */
export function deadlinesOf(
  f: Pick<DeadlineFacts, 'receivedAt' | 'acceptedAt' | 'extensionDays' | 'reopenedAt' | 'routedTo'>,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): Deadlines {
  if (f.routedTo === 'commission')
    return {
      acknowledgeBy: workingPeriodEnd(calendar, day(f.receivedAt), rules.commissionAcknowledgeWorkingDays),
      handleBy: null,
      reviewBy: null,
    };
  const handle = f.acceptedAt ? handleDueBeforeExtension(f.acceptedAt, rules, calendar) : null;
  return {
    acknowledgeBy: periodEnd(calendar, day(f.receivedAt), rules.acknowledgeDays),
    handleBy: handle && f.extensionDays ? periodEnd(calendar, handle.date, f.extensionDays) : handle,
    reviewBy: f.reopenedAt ? periodEnd(calendar, day(f.reopenedAt), rules.reviewDays) : null,
  };
}

/** The deadline being worked against now; null when nothing is pending. */
export function currentDeadline(
  f: DeadlineFacts,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): DueDate | null {
  const d = deadlinesOf(f, rules, calendar);
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
 * Whole days the current deadline has passed by at `now`: 0 on or before the due day, 1 from 00:00 of the
 * day after it (Civil Code art. 203: the period ends at 24:00 of its last day). Computed, never stored.
 */
export function daysOverdue(
  f: DeadlineFacts,
  now: Date,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): number {
  const due = currentDeadline(f, rules, calendar);
  return due ? Math.max(0, daysBetween(due.date, day(now))) : 0;
}

/**
 * Overdue: the current deadline's due day has ended. Items routed to the commission run on the commission's
 * clock; whether they are overdue is for the commission's staff only (public pages show them as routed).
 */
export function isOverdue(
  f: DeadlineFacts,
  now: Date,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): boolean {
  return daysOverdue(f, now, rules, calendar) > 0;
}

/** The due date of the first answer, given the item as it is when answered, as stored (`firstAnswerDueAt`). */
export function firstAnswerDueAt(
  f: Pick<DeadlineFacts, 'receivedAt' | 'acceptedAt' | 'extensionDays' | 'reopenedAt' | 'routedTo'>,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): Date {
  const d = deadlinesOf(f, rules, calendar);
  return endOfBeijingDay((f.acceptedAt && d.handleBy ? d.handleBy : d.acknowledgeBy).date);
}

/** The last day on which the submitter may reopen an item answered at `answeredAt` (30 days, Civil Code arts. 201–203). */
export function reopenUntil(
  answeredAt: Date,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): DueDate {
  return periodEnd(calendar, day(answeredAt), rules.reopenWindowDays);
}

export interface OnTimeRate {
  /** Items whose first answer was due by now or has been given. */
  due: number;
  /** Of those, answered on or before the due day then in force. */
  onTime: number;
  /** onTime / due, or null when nothing was due. */
  rate: number | null;
}

/**
 * A unit's on-time reply rate. An item counts once it has been answered (replied, or declined before
 * acceptance) or its due day has ended unanswered; it is on time when the first answer came on or before
 * the due day then in force. Reports routed to the commission are not the unit's and do not count.
 */
export function onTimeReplyRate(
  items: readonly DeadlineFacts[],
  now: Date,
  rules: FeedbackRules,
  calendar: WorkingDayCalendar = rules.calendar,
): OnTimeRate {
  let due = 0;
  let onTime = 0;
  for (const f of items) {
    if (f.routedTo === 'commission') continue;
    if (f.firstAnsweredAt && f.firstAnswerDueAt) {
      due += 1;
      if (f.firstAnsweredAt.getTime() <= f.firstAnswerDueAt.getTime()) onTime += 1;
      continue;
    }
    if (isOverdue(f, now, rules, calendar)) due += 1;
  }
  return { due, onTime, rate: due === 0 ? null : onTime / due };
}
