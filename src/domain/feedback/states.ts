import { z } from 'zod';
import {
  BODY_MIN,
  REASON_MAX,
  REASON_MIN,
  REPLY_MAX,
  satisfactionAnswers,
  type FeedbackKind,
  type Route,
  type SatisfactionAnswer,
} from './schema.ts';
import { beijingDate } from '../calendar/dates.ts';
import { deadlinesOf, firstAnswerDueAt, reopenUntil, type FeedbackRules } from './deadlines.ts';
import { plainText } from '../text/safety.ts';

/**
 * The lifecycle as data (STYLE.md rule 3; README.md in this folder tells it in prose).
 * Names follow GLOSSARY.md: accepted, extended, replied, closed; overdue is computed, never stored.
 */
export const feedbackStates = ['received', 'accepted', 'extended', 'replied', 'reopened', 'closed'] as const;
export type FeedbackState = (typeof feedbackStates)[number];

/** Moderation is separate from the lifecycle: only `published` items appear on public pages. */
export const visibilities = ['pending', 'published', 'hidden'] as const;
export type Visibility = (typeof visibilities)[number];

/** Who moves an item: the anonymous submitter (with the query secret), unit staff, the commission's moderators. */
export const actors = ['submitter', 'staff', 'moderator', 'system'] as const;
export type Actor = (typeof actors)[number];

export const feedbackActions = ['accept', 'extend', 'reply', 'close', 'reopen', 'rate', 'publish', 'hide'] as const;
export type FeedbackAction = (typeof feedbackActions)[number];

/** What each action needs: who may take it, from which states, and the state it leads to (null: unchanged). */
export const transitions: Readonly<
  Record<FeedbackAction, { actor: Actor; from: readonly FeedbackState[]; to: FeedbackState | null }>
> = {
  accept: { actor: 'staff', from: ['received'], to: 'accepted' },
  extend: { actor: 'staff', from: ['accepted'], to: 'extended' },
  reply: { actor: 'staff', from: ['accepted', 'extended', 'reopened'], to: 'replied' },
  close: { actor: 'staff', from: ['received', 'replied'], to: 'closed' },
  reopen: { actor: 'submitter', from: ['replied', 'closed'], to: 'reopened' },
  rate: { actor: 'submitter', from: ['replied', 'closed'], to: null },
  publish: { actor: 'moderator', from: feedbackStates, to: null },
  hide: { actor: 'moderator', from: feedbackStates, to: null },
};

/** How many times a submitter may reopen an item. */
export const REOPEN_LIMIT = 1;

const reason = plainText(
  { required: 'feedback.reason.required', tooShort: 'feedback.reason.tooShort', tooLong: 'feedback.reason.tooLong' },
  REASON_MIN,
  REASON_MAX,
);

/** A command on an existing item; `runStaffCommand` (src/services/feedback.ts) parses the staff console's input. */
export const FeedbackCommand = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('accept') }),
    z.strictObject({
      action: z.literal('extend'),
      days: z.number('feedback.extension.days').int('feedback.extension.days').min(1, 'feedback.extension.days'),
      reason,
    }),
    z.strictObject({
      action: z.literal('reply'),
      body: plainText(
        { required: 'feedback.reply.required', tooShort: 'feedback.reply.tooShort', tooLong: 'feedback.reply.tooLong' },
        BODY_MIN,
        REPLY_MAX,
      ),
    }),
    z.strictObject({ action: z.literal('close'), reason: reason.optional() }),
    z.strictObject({ action: z.literal('reopen'), reason }),
    z.strictObject({ action: z.literal('rate'), rating: z.enum(satisfactionAnswers, 'feedback.rating.invalid') }),
    z.strictObject({ action: z.literal('publish') }),
    z.strictObject({ action: z.literal('hide'), reason }),
  ],
  'feedback.action.invalid',
);
export type FeedbackCommand = z.infer<typeof FeedbackCommand>;

/** The parts of a stored item the lifecycle reads. */
export interface FeedbackSnapshot {
  kind: FeedbackKind;
  routedTo: Route;
  state: FeedbackState;
  visibility: Visibility;
  publicConsent: boolean;
  receivedAt: Date;
  acceptedAt: Date | null;
  extensionDays: number | null;
  repliedAt: Date | null;
  firstAnsweredAt: Date | null;
  reopenedAt: Date | null;
  reopenCount: number;
  rating: SatisfactionAnswer | null;
}

/** Column changes a command makes; the repository writes them with the audit row. */
export interface FeedbackPatch {
  state?: FeedbackState;
  visibility?: Visibility;
  acceptedAt?: Date;
  extensionDays?: number;
  extensionReason?: string;
  repliedAt?: Date;
  replyBody?: string;
  firstAnsweredAt?: Date;
  firstAnswerDueAt?: Date;
  closedAt?: Date;
  closeReason?: string | null;
  reopenedAt?: Date;
  reopenCount?: number;
  reopenReason?: string;
  rating?: SatisfactionAnswer | null;
  ratedAt?: Date | null;
}

/** The audit event a command produces. `publicNote` may be shown on the tracking page timeline. */
export interface FeedbackEvent {
  action: FeedbackAction;
  actor: Actor;
  from: FeedbackState;
  to: FeedbackState;
  publicNote?: string;
}

export const refusals = [
  'not_allowed',
  'wrong_state',
  'extension_used',
  'extension_too_long',
  'extension_deadline_passed',
  'reopen_used',
  'reopen_window_passed',
  'already_rated',
  'no_consent',
  'never_published',
  'already_published',
  'reason_required',
  /** Publishing text that still holds an identifier (decided with the text: `findingsBeforePublishing`). */
  'identifiers_found',
] as const;
export type Refusal = (typeof refusals)[number];

export type CommandResult = { ok: true; patch: FeedbackPatch; event: FeedbackEvent } | { ok: false; reason: Refusal };

/**
 * Whether an extension may still be asked for at `now`: once, from `accepted`, and only while the handling
 * period runs — on or before its due day (DOMAIN.md §6.1 art.34; Civil Code art. 203). After the due day the item
 * is overdue and stays so: a late extension is refused with `extension_deadline_passed`.
 */
export function extensionRefusal(s: FeedbackSnapshot, now: Date, rules: FeedbackRules): Refusal | null {
  if (!transitions.extend.from.includes(s.state)) return 'wrong_state';
  if (s.extensionDays !== null) return 'extension_used';
  const due = deadlinesOf(s, rules).handleBy;
  if (!due || beijingDate(now) > due.date) return 'extension_deadline_passed';
  return null;
}

/**
 * Decide a command against the current item. Pure: the repository applies the patch and the event in
 * one batch, guarded by the row version, so two concurrent commands cannot both win.
 */
export function applyCommand(
  s: FeedbackSnapshot,
  cmd: FeedbackCommand,
  actor: Actor,
  now: Date,
  rules: FeedbackRules,
): CommandResult {
  const t = transitions[cmd.action];
  if (actor !== t.actor) return { ok: false, reason: 'not_allowed' };
  if (!t.from.includes(s.state)) return { ok: false, reason: 'wrong_state' };
  const to = t.to ?? s.state;
  const event: FeedbackEvent = { action: cmd.action, actor, from: s.state, to };
  const firstAnswer = (): FeedbackPatch =>
    s.firstAnsweredAt ? {} : { firstAnsweredAt: now, firstAnswerDueAt: firstAnswerDueAt(s, rules) };

  switch (cmd.action) {
    case 'accept':
      return { ok: true, patch: { state: to, acceptedAt: now }, event };
    case 'extend': {
      const refused = extensionRefusal(s, now, rules);
      if (refused) return { ok: false, reason: refused };
      if (cmd.days > rules.extensionMaxDays) return { ok: false, reason: 'extension_too_long' };
      return {
        ok: true,
        patch: { state: to, extensionDays: cmd.days, extensionReason: cmd.reason },
        // The reason is told to the submitter (regulations art.34), so it is a public note.
        event: { ...event, publicNote: cmd.reason },
      };
    }
    case 'reply':
      return { ok: true, patch: { state: to, repliedAt: now, replyBody: cmd.body, ...firstAnswer() }, event };
    case 'close':
      if (s.state === 'received') {
        // Declining an item before acceptance (out of scope, belongs elsewhere) must say why.
        if (!cmd.reason) return { ok: false, reason: 'reason_required' };
        return {
          ok: true,
          patch: { state: to, closedAt: now, closeReason: cmd.reason, ...firstAnswer() },
          event: { ...event, publicNote: cmd.reason },
        };
      }
      return { ok: true, patch: { state: to, closedAt: now, closeReason: cmd.reason ?? null }, event };
    case 'reopen': {
      if (s.reopenCount >= REOPEN_LIMIT) return { ok: false, reason: 'reopen_used' };
      const answeredAt = s.repliedAt ?? s.firstAnsweredAt;
      if (!answeredAt || beijingDate(now) > reopenUntil(answeredAt, rules).date)
        return { ok: false, reason: 'reopen_window_passed' };
      return {
        ok: true,
        // A new answer is due, so the earlier rating no longer describes the current reply.
        patch: {
          state: to,
          reopenedAt: now,
          reopenCount: s.reopenCount + 1,
          reopenReason: cmd.reason,
          rating: null,
          ratedAt: null,
        },
        event,
      };
    }
    case 'rate':
      if (s.rating !== null) return { ok: false, reason: 'already_rated' };
      return { ok: true, patch: { rating: cmd.rating, ratedAt: now }, event };
    case 'publish':
      if (s.routedTo === 'commission') return { ok: false, reason: 'never_published' };
      if (!s.publicConsent) return { ok: false, reason: 'no_consent' };
      if (s.visibility === 'published') return { ok: false, reason: 'already_published' };
      return { ok: true, patch: { visibility: 'published' }, event };
    case 'hide':
      return { ok: true, patch: { visibility: 'hidden' }, event };
  }
}
