import { z } from 'zod';
import { currentDeadline, type FeedbackRules } from '../feedback/deadlines.ts';
import { displayStatus, type DisplayStatus, type FeedbackRecord, type MealDetails } from '../feedback/public.ts';
import { BODY_MAX, BODY_MIN, REASON_MAX, REASON_MIN, type FeedbackKind } from '../feedback/schema.ts';
import type { FeedbackState, Visibility } from '../feedback/states.ts';
import { plainText } from '../text/safety.ts';

/**
 * What staff pages may show of a feedback item: an allow-list (STYLE.md rule 5). A responder is staff of
 * the unit the item is about, so the view never carries the reporter's contact, the query-secret hash,
 * the idempotency key, the payload hash, the tracking code, or anything about the client (address,
 * device) — those never reach FeedbackRecord or this type (petition regulations art. 46, RELIABILITY.md §2.3).
 * Free text is shown with phone, ID and bank-card numbers masked; names need a moderator's redaction.
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
  /** The deadline the unit works against now (null when nothing is pending) and whether it passed. */
  dueAt: Date | null;
  overdue: boolean;
  /** Whole days until `dueAt` (negative once it passed; 0 on the day), null without a deadline. */
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

/** Mobile numbers (also written with spaces or dashes), resident IDs, and any run of 7+ digits (landlines, cards). */
const MOBILE = /(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const LONG_NUMBER = /(?<!\d)\d{7,}(?!\d)/g;

/**
 * Mask phone, resident-ID and long numbers in free text completely (RELIABILITY.md §2.2: the unit
 * complained about never sees a reporter's phone, not even in part). Shown to staff; suggested to
 * moderators as the starting point of a redaction.
 */
export function maskPersonalData(text: string): string {
  const stars = (m: string) => m.replace(/[0-9Xx]/g, '*');
  return text.replace(RESIDENT_ID, stars).replace(MOBILE, stars).replace(LONG_NUMBER, stars);
}

const masked = (s: string | null) => (s === null ? null : maskPersonalData(s));

/** How many characters of the text a list row shows. */
export const SNIPPET_LENGTH = 24;

const graphemes = new Intl.Segmenter('zh-CN', { granularity: 'grapheme' });

/** The start of a text that is already masked, cut at SNIPPET_LENGTH characters (graphemes), with … when cut. */
export function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = Array.from(graphemes.segment(flat), (g) => g.segment);
  return chars.length <= SNIPPET_LENGTH ? flat : `${chars.slice(0, SNIPPET_LENGTH).join('')}…`;
}

const DAY_MS = 86_400_000;
/** Whole days left until a deadline, rounded up (2.5 days left → 3); 0 or less once it has passed. */
export const daysUntil = (due: Date, now: Date): number => Math.ceil((due.getTime() - now.getTime()) / DAY_MS);

export function toStaffItem(r: FeedbackRecord, now: Date, rules: FeedbackRules): StaffItemView {
  const status = displayStatus(r, now, rules);
  const dueAt = r.routedTo === 'unit' ? currentDeadline(r, rules) : null;
  const body = masked(r.body);
  const dishes = r.meal ? maskPersonalData(r.meal.dishes) : null;
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
    dueAt,
    overdue: status === 'overdue',
    daysLeft: dueAt ? daysUntil(dueAt, now) : null,
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

export const RouteToCommission = z.strictObject({
  action: z.literal('route'),
  reason: plainText(
    { required: 'feedback.reason.required', tooShort: 'feedback.reason.tooShort', tooLong: 'feedback.reason.tooLong' },
    REASON_MIN,
    REASON_MAX,
  ),
});
