import { z } from 'zod';
import {
  feedbackKinds,
  mealRatings,
  meals,
  routes,
  satisfactionAnswers,
  type Meal,
  type MealRating,
} from './schema.ts';
import { beijingDate } from '../calendar/dates.ts';
import {
  feedbackActions,
  feedbackStates,
  transitions,
  REOPEN_LIMIT,
  type FeedbackAction,
  type FeedbackSnapshot,
} from './states.ts';
import { currentDeadline, deadlinesOf, isOverdue, reopenUntil, type FeedbackRules } from './deadlines.ts';
import { formatCode } from './tracking.ts';
import { findIdentifiers, maskIdentifiers, maskOrNull, type Finding } from '../privacy/identifiers.ts';

/** The accompanied-meal details as stored. */
export interface MealDetails {
  date: string;
  meal: Meal;
  dishes: string;
  taste: MealRating;
  quantity: MealRating;
  hygiene: MealRating;
  price: MealRating;
}

/**
 * A stored item as the application reads it. It deliberately has no contact, secret hash or
 * idempotency fields: those stay in src/db and never reach this type.
 */
export interface FeedbackRecord extends FeedbackSnapshot {
  id: string;
  trackingCode: string;
  unitId: string;
  disclosureId: string | null;
  body: string | null;
  meal: MealDetails | null;
  suggestion: string | null;
  extensionReason: string | null;
  replyBody: string | null;
  firstAnswerDueAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
  ratedAt: Date | null;
  demo: boolean;
  version: number;
}

/** What the public sees as the status: `overdue` and `routed` are derived, never stored. */
export const displayStatuses = [...feedbackStates, 'overdue', 'routed'] as const;
export type DisplayStatus = (typeof displayStatuses)[number];

export function displayStatus(r: FeedbackRecord, now: Date, rules: FeedbackRules): DisplayStatus {
  if (r.routedTo === 'commission') return r.state === 'closed' || r.state === 'replied' ? r.state : 'routed';
  return isOverdue(r, now, rules) ? 'overdue' : r.state;
}

const MealOut = z.strictObject({
  date: z.string(),
  meal: z.enum(meals),
  dishes: z.string(),
  taste: z.enum(mealRatings),
  quantity: z.enum(mealRatings),
  hygiene: z.enum(mealRatings),
  price: z.enum(mealRatings),
});

/** The answer to a submission: the only time the query secret is shown. */
export const FeedbackReceipt = z.strictObject({
  trackingCode: z.string(),
  secret: z.string(),
  status: z.enum(displayStatuses),
  routedTo: z.enum(routes),
  /** The last day of the acknowledgement period (Beijing date). */
  acknowledgeBy: z.iso.date(),
  trackingUrl: z.string(),
});
export type FeedbackReceipt = z.infer<typeof FeedbackReceipt>;

export const TimelineEntry = z.strictObject({
  action: z.enum(['received', ...feedbackActions]),
  at: z.iso.datetime(),
  note: z.string().optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** The tracking page and `GET /api/feedback/{code}`: status, deadlines, timeline, the unit's reply. */
export const TrackingView = z.strictObject({
  trackingCode: z.string(),
  kind: z.enum(feedbackKinds),
  unitId: z.string(),
  routedTo: z.enum(routes),
  status: z.enum(displayStatuses),
  receivedAt: z.iso.datetime(),
  /** Due dates: the last day of each period (Beijing); anything done on that day is in time. */
  deadlines: z.strictObject({
    acknowledgeBy: z.iso.date(),
    handleBy: z.iso.date().nullable(),
    reviewBy: z.iso.date().nullable(),
    current: z.iso.date().nullable(),
    /** A due date falls in a year the holiday table does not list yet: computed from weekends only. */
    provisional: z.boolean(),
  }),
  extension: z.strictObject({ days: z.number().int(), reason: z.string() }).nullable(),
  /**
   * True when identifiers in the texts below are masked: always by tracking code alone; the submitter
   * sees the full text only with the query secret (`POST /api/feedback/{code}/full`).
   */
  masked: z.boolean(),
  /** The submitted text; withheld for reports routed to the commission. */
  content: z
    .strictObject({ body: z.string().nullable(), meal: MealOut.nullable(), suggestion: z.string().nullable() })
    .nullable(),
  reply: z.strictObject({ body: z.string(), repliedAt: z.iso.datetime() }).nullable(),
  rating: z.enum(satisfactionAnswers).nullable(),
  canRate: z.boolean(),
  canReopen: z.boolean(),
  timeline: z.array(TimelineEntry),
});
export type TrackingView = z.infer<typeof TrackingView>;

/** A published item on a unit page: date-coarsened, no codes, no identity. */
export const PublicFeedback = z.strictObject({
  kind: z.enum(feedbackKinds),
  receivedOn: z.iso.date(),
  status: z.enum(displayStatuses),
  body: z.string().nullable(),
  meal: MealOut.nullable(),
  suggestion: z.string().nullable(),
  reply: z.strictObject({ body: z.string(), repliedOn: z.iso.date() }).nullable(),
});
export type PublicFeedback = z.infer<typeof PublicFeedback>;

/** Stored audit events the timeline is drawn from. */
export interface StoredEvent {
  action: FeedbackAction | 'received';
  at: Date;
  publicNote: string | null;
}

const iso = (d: Date) => d.toISOString();

/** The submitter may still rate or reopen. */
export function submitterOptions(
  r: FeedbackRecord,
  now: Date,
  rules: FeedbackRules,
): { canRate: boolean; canReopen: boolean } {
  const answered = transitions.rate.from.includes(r.state);
  const answeredAt = r.repliedAt ?? r.firstAnsweredAt;
  return {
    canRate: answered && r.rating === null,
    canReopen:
      transitions.reopen.from.includes(r.state) &&
      r.reopenCount < REOPEN_LIMIT &&
      answeredAt !== null &&
      beijingDate(now) <= reopenUntil(answeredAt, rules).date,
  };
}

/** The meal record with its dishes masked. */
const maskMeal = (meal: MealDetails | null): MealDetails | null =>
  meal ? { ...meal, dishes: maskIdentifiers(meal.dishes) } : null;

/**
 * Allow-list for the tracking view (STYLE.md rule 5). Anyone who has the tracking code sees it, so every
 * text is masked (src/domain/privacy) unless `full`: the caller proved with the query secret that it is
 * the submitter, who may read what they wrote.
 */
export function toTrackingView(
  r: FeedbackRecord,
  events: readonly StoredEvent[],
  now: Date,
  rules: FeedbackRules,
  { full = false }: { full?: boolean } = {},
): TrackingView {
  const d = deadlinesOf(r, rules);
  const current = currentDeadline(r, rules);
  const commission = r.routedTo === 'commission';
  const text = full ? (s: string) => s : (s: string) => maskIdentifiers(s);
  return {
    trackingCode: formatCode(r.trackingCode),
    kind: r.kind,
    unitId: r.unitId,
    routedTo: r.routedTo,
    status: displayStatus(r, now, rules),
    receivedAt: iso(r.receivedAt),
    deadlines: commission
      ? {
          acknowledgeBy: d.acknowledgeBy.date,
          handleBy: null,
          reviewBy: null,
          current: null,
          provisional: d.acknowledgeBy.provisional,
        }
      : {
          acknowledgeBy: d.acknowledgeBy.date,
          handleBy: d.handleBy?.date ?? null,
          reviewBy: d.reviewBy?.date ?? null,
          current: current?.date ?? null,
          provisional: [d.acknowledgeBy, d.handleBy, d.reviewBy].some((x) => x?.provisional === true),
        },
    extension: r.extensionDays !== null ? { days: r.extensionDays, reason: text(r.extensionReason ?? '') } : null,
    masked: !full,
    content: commission
      ? null
      : full
        ? { body: r.body, meal: r.meal, suggestion: r.suggestion }
        : { body: maskOrNull(r.body), meal: maskMeal(r.meal), suggestion: maskOrNull(r.suggestion) },
    reply: r.replyBody && r.repliedAt ? { body: text(r.replyBody), repliedAt: iso(r.repliedAt) } : null,
    rating: r.rating,
    ...submitterOptions(r, now, rules),
    timeline: events.map((e) => ({
      action: e.action,
      at: iso(e.at),
      ...(e.publicNote ? { note: text(e.publicNote) } : {}),
    })),
  };
}

/** True when an item may appear on a public page. */
export const isPublic = (r: Pick<FeedbackRecord, 'visibility' | 'publicConsent' | 'routedTo'>): boolean =>
  r.visibility === 'published' && r.publicConsent && r.routedTo !== 'commission';

/**
 * Allow-list for a unit page, `GET /api/feedback` and any other public output; throws for an item that is
 * not public (a caller bug, never user input). Safe by construction: every text goes through the
 * identifier detector and is masked, whatever the moderator did (issue 13), the unit's reply included.
 */
export function toPublicFeedback(r: FeedbackRecord, now: Date, rules: FeedbackRules): PublicFeedback {
  if (!isPublic(r)) throw new Error('toPublicFeedback called with an unpublished item');
  return {
    kind: r.kind,
    receivedOn: beijingDate(r.receivedAt),
    status: displayStatus(r, now, rules),
    body: maskOrNull(r.body),
    meal: maskMeal(r.meal),
    suggestion: maskOrNull(r.suggestion),
    reply:
      r.replyBody && r.repliedAt ? { body: maskIdentifiers(r.replyBody), repliedOn: beijingDate(r.repliedAt) } : null,
  };
}

/** The citizen's texts a publication shows, by the field a moderator redacts (`dishes`: the meal record's). */
export const publishedFields = ['body', 'suggestion', 'dishes'] as const;
export type PublishedField = (typeof publishedFields)[number];

export function publishedText(r: Pick<FeedbackRecord, 'body' | 'suggestion' | 'meal'>, field: PublishedField) {
  return field === 'dishes' ? (r.meal?.dishes ?? null) : r[field];
}

/**
 * The identifiers still in an item's texts, by field. A moderator cannot publish while there are any
 * (src/services/feedback.ts refuses with `identifiers_found`): they mask or redact first, and so see
 * what the public will see.
 */
export function findingsBeforePublishing(
  r: Pick<FeedbackRecord, 'body' | 'suggestion' | 'meal'>,
): { field: PublishedField; text: string; findings: Finding[] }[] {
  return publishedFields.flatMap((field) => {
    const text = publishedText(r, field);
    const findings = text ? findIdentifiers(text) : [];
    return text && findings.length > 0 ? [{ field, text, findings }] : [];
  });
}
