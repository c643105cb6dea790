import { z } from 'zod';
import { currentDeadline, daysOverdue, type FeedbackRules } from '../feedback/deadlines.ts';
import { displayStatus, type DisplayStatus, type FeedbackRecord, type MealDetails } from '../feedback/public.ts';
import { BODY_MAX, BODY_MIN, REASON_MAX, REASON_MIN, type FeedbackKind } from '../feedback/schema.ts';
import { extensionRefusal, type FeedbackState, type Visibility } from '../feedback/states.ts';
import { beijingDate, daysBetween } from '../calendar/dates.ts';
import { plainText } from '../text/safety.ts';
import { findIdentifiers, maskIdentifiers } from '../privacy/identifiers.ts';

/**
 * What staff pages may show of a feedback item: an allow-list (STYLE.md rule 5). A responder is staff of
 * the unit the item is about, so the view never carries the reporter's contact, the query-secret hash,
 * the idempotency key, the payload hash, the tracking code, or anything about the client (address,
 * device) — those never reach FeedbackRecord or this type (petition regulations art. 46, RELIABILITY.md §2.3).
 * Free text is shown with identifiers masked (`maskForResponder`); names need a moderator's redaction.
 */
export interface StaffItemView {
  id: string;
  kind: FeedbackKind;
  unitId: string;
  routedTo: 'unit' | 'commission';
  state: FeedbackState;
  visibility: Visibility;
  status: DisplayStatus;
  publicConsent: boolean;
  receivedAt: Date;
  /**
   * The due date worked against now (the last day, Beijing; null when nothing is pending): the unit's
   * clock for unit items, the commission's 15 working days for reports routed to it — which only the
   * commission's staff can see, since a unit's responder never sees those items (src/staff/feedback.ts).
   */
  dueOn: string | null;
  /** The due date lies in a year the holiday table does not list yet (weekends only). */
  dueProvisional: boolean;
  overdue: boolean;
  /** Whole days past the due day (0 when not overdue). */
  daysOverdue: number;
  /** An extension may still be granted now (accepted, not extended yet, due day not passed). */
  canExtend: boolean;
  /** Whole days from today (Beijing) to the due day: 0 on the due day, negative once it passed; null without one. */
  daysLeft: number | null;
  /** The first words of the masked text (or the meal's dishes), to tell rows apart in a list. */
  snippet: string;
  body: string | null;
  meal: MealDetails | null;
  suggestion: string | null;
  extension: { days: number; reason: string | null } | null;
  reply: { body: string; at: Date | null } | null;
  closeReason: string | null;
  version: number;
}

/**
 * Free text as the unit complained about sees it: every identifier the detector finds masked completely,
 * and any other number of seven digits or more too (RELIABILITY.md §2.2: the unit never sees a reporter's
 * phone, not even a local number without its area code). Names need a moderator's redaction.
 */
export function maskForResponder(text: string): string {
  return maskIdentifiers(text, { longNumbers: true });
}

const masked = (s: string | null) => (s === null ? null : maskForResponder(s));

/** How many characters of the text a list row shows. */
export const SNIPPET_LENGTH = 24;

const graphemes = new Intl.Segmenter('zh-CN', { granularity: 'grapheme' });

/** The start of a text that is already masked, cut at SNIPPET_LENGTH characters (graphemes), with … when cut. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(graphemes.segment(flat), (g) => g.segment);
  return chars.length <= SNIPPET_LENGTH ? flat : `${chars.slice(0, SNIPPET_LENGTH).join('')}…`;
}

export function toStaffItem(r: FeedbackRecord, now: Date, rules: FeedbackRules): StaffItemView {
  const status = displayStatus(r, now, rules);
  const due = currentDeadline(r, rules);
  const late = daysOverdue(r, now, rules);
  const body = masked(r.body);
  const dishes = r.meal ? maskForResponder(r.meal.dishes) : null;
  return {
    id: r.id,
    kind: r.kind,
    unitId: r.unitId,
    routedTo: r.routedTo,
    state: r.state,
    visibility: r.visibility,
    status,
    publicConsent: r.publicConsent,
    receivedAt: r.receivedAt,
    dueOn: due?.date ?? null,
    dueProvisional: due?.provisional ?? false,
    overdue: late > 0,
    daysOverdue: late,
    canExtend: extensionRefusal(r, now, rules) === null,
    daysLeft: due ? daysBetween(beijingDate(now), due.date) : null,
    // Masked first, cut second: a number cut in half is never left partly readable.
    snippet: snippetOf(body ?? dishes ?? ''),
    body,
    meal: r.meal && dishes !== null ? { ...r.meal, dishes } : null,
    suggestion: masked(r.suggestion),
    extension: r.extensionDays !== null ? { days: r.extensionDays, reason: r.extensionReason } : null,
    reply: r.replyBody ? { body: r.replyBody, at: r.repliedAt } : null,
    closeReason: r.closeReason,
    version: r.version,
  };
}

export const NOTE_MAX = 2000;

/** Staff-only commands besides the lifecycle ones (src/domain/feedback/states.ts). */
export const InternalNote = z.strictObject({
  action: z.literal('note'),
  body: plainText(
    { required: 'staff.note.required', tooShort: 'staff.note.required', tooLong: 'staff.note.tooLong' },
    1,
    NOTE_MAX,
  ),
});

export const Redaction = z.strictObject({
  action: z.literal('redact'),
  field: z.enum(['body', 'suggestion'], 'staff.redact.field'),
  text: plainText(
    { required: 'feedback.body.required', tooShort: 'feedback.body.tooShort', tooLong: 'feedback.body.tooLong' },
    BODY_MIN,
    BODY_MAX,
  ),
});

/** Mask every identifier the detector finds in the item's texts (the moderator's one-step alternative to redacting). */
export const MaskIdentifiers = z.strictObject({ action: z.literal('mask') });

export const RouteToCommission = z.strictObject({
  action: z.literal('route'),
  reason: plainText(
    { required: 'feedback.reason.required', tooShort: 'feedback.reason.tooShort', tooLong: 'feedback.reason.tooLong' },
    REASON_MIN,
    REASON_MAX,
  ),
});

/** The longest reason a call-back (contact reveal) may give; it goes into the audit log. */
export const REVEAL_REASON_MAX = 200;

/**
 * A call-back: the commission reveals a submitter's phone for a stated reason. The reason is audited, so it
 * must not itself carry a phone number or another identifier.
 */
export const ContactReveal = z.strictObject({
  reason: plainText(
    {
      required: 'staff.reveal.reasonRequired',
      tooShort: 'staff.reveal.reasonRequired',
      tooLong: 'staff.reveal.reasonTooLong',
    },
    2,
    REVEAL_REASON_MAX,
  ).refine((r) => findIdentifiers(r).length === 0, 'staff.reveal.reasonIdentifier'),
});
