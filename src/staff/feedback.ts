import { findByTrackingCode, findFeedback, listCommissionInbox, listUnitInbox } from '../db/feedback-repo.ts';
import {
  insertNote,
  listModerationQueue,
  listNotes,
  listRedactions,
  redactText,
  revealSealedContact,
  routeToCommission,
  trackingCodesOf,
} from '../db/staff-feedback-repo.ts';
import { formatCode, normaliseCode, TRACKING_CODE_LENGTH } from '../domain/feedback/tracking.ts';
import {
  ContactReveal,
  InternalNote,
  MaskIdentifiers,
  Redaction,
  RouteToCommission,
  toStaffItem,
  type StaffItemView,
} from '../domain/staff/feedback-views.ts';
import { findingsBeforePublishing, type FeedbackRecord } from '../domain/feedback/public.ts';
import { maskIdentifiers } from '../domain/privacy/identifiers.ts';
import { runStaffCommand } from '../services/feedback.ts';
import { unseal } from '../lib/crypto.ts';
import { parseInput } from '../services/fields.ts';
import { conflict, invalid, notFound, type Failure } from '../services/outcome.ts';
import type { ChannelContext } from '../services/context.ts';
import type { StaffSession } from './auth.ts';
import type { StaffContext } from './context.ts';

/**
 * The staff console's use cases on feedback items, on top of the lifecycle in src/services/feedback.ts.
 * Scope rules live here, once, for pages and tests alike:
 *  - a responder sees and acts on items routed to one of their units, nothing else (404 otherwise);
 *  - the commission admin sees every item, and acts on the items routed to the commission;
 *  - moderators publish, hide, redact and route items that are not commission material.
 */
export type StaffOutcome = { ok: true } | Failure;

/** Whether the session may see the item at all (a responder: only its units' unit-routed items). */
export function canSee(s: StaffSession, r: Pick<FeedbackRecord, 'unitId' | 'routedTo'>): boolean {
  switch (s.account.role) {
    case 'responder':
      return r.routedTo === 'unit' && s.account.unitIds.includes(r.unitId);
    case 'admin':
      return true;
    case 'moderator':
      return r.routedTo === 'unit';
    case 'evaluator':
    case 'lead':
    case 'publisher':
    case 'approver':
      return false;
  }
}

/** Whether the session answers for the item (accept, extend, reply, close, notes). */
export function canHandle(s: StaffSession, r: Pick<FeedbackRecord, 'unitId' | 'routedTo'>): boolean {
  if (s.account.role === 'admin') return r.routedTo === 'commission';
  return s.account.role === 'responder' && canSee(s, r);
}

/** The inbox: a responder's units' items, or the commission's misconduct reports for the admin. */
export async function listInbox(
  ctx: StaffContext,
  rules: ChannelContext['rules'],
  s: StaffSession,
): Promise<StaffItemView[]> {
  const now = ctx.now();
  const records =
    s.account.role === 'admin'
      ? await listCommissionInbox(ctx.database)
      : (await Promise.all(s.account.unitIds.map((u) => listUnitInbox(ctx.database, u)))).flat();
  const views = records.map((r) => toStaffItem(r, now, rules));
  // Overdue first, then by the nearest deadline, then newest.
  return views.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.dueOn ?? '9999-12-31').localeCompare(b.dueOn ?? '9999-12-31') ||
      b.receivedAt.getTime() - a.receivedAt.getTime(),
  );
}

export async function moderationQueue(ctx: StaffContext, rules: ChannelContext['rules']): Promise<StaffItemView[]> {
  const now = ctx.now();
  return (await listModerationQueue(ctx.database)).map((r) => toStaffItem(r, now, rules));
}

/**
 * Whether the session sees tracking codes: the commission's own staff (moderators, the admin) do, so a
 * citizen who calls with a code can be helped; a unit's responder never does (the unit an item is about
 * must not be able to link a code a person shows to what that person wrote — RELIABILITY.md §2.3).
 */
export const seesTrackingCodes = (s: StaffSession): boolean =>
  s.account.role === 'moderator' || s.account.role === 'admin';

/** The tracking codes (formatted, XXXX-XXXX-XXXX) of listed items; empty for a session that may not see them. */
export async function listTrackingCodes(
  ctx: StaffContext,
  s: StaffSession,
  items: readonly Pick<StaffItemView, 'id'>[],
): Promise<Map<string, string>> {
  if (!seesTrackingCodes(s)) return new Map();
  const codes = await trackingCodesOf(
    ctx.database,
    items.map((i) => i.id),
  );
  return new Map([...codes].map(([id, code]) => [id, formatCode(code)]));
}

/**
 * Find an item by the tracking code a citizen reads out (dashes, spaces and case do not matter), within
 * what the session may see; null when the code is malformed, unknown, out of scope, or the session may not
 * search by code.
 */
export async function findByCode(
  ctx: StaffContext,
  rules: ChannelContext['rules'],
  s: StaffSession,
  raw: string,
): Promise<StaffItemView | null> {
  if (!seesTrackingCodes(s)) return null;
  const code = normaliseCode(raw, TRACKING_CODE_LENGTH);
  if (!code) return null;
  const found = await findByTrackingCode(ctx.database, code);
  if (!found || !canSee(s, found.record)) return null;
  return toStaffItem(found.record, ctx.now(), rules);
}

export interface StaffItemDetail {
  item: StaffItemView;
  notes: { id: string; body: string; at: Date; author: string }[];
  /** Originals of redacted texts: the commission admin only. */
  redactions: { field: string; original: string; at: Date }[];
  /** The texts as stored (unmasked), for moderators who redact them; null for responders. */
  stored: Pick<FeedbackRecord, 'body' | 'suggestion' | 'meal'> | null;
  canHandle: boolean;
}

/** One item as the session may see it; null (→ 404) when it is outside the session's scope. */
export async function loadItem(
  ctx: StaffContext,
  rules: ChannelContext['rules'],
  s: StaffSession,
  id: string,
): Promise<StaffItemDetail | null> {
  const record = await findFeedback(ctx.database, id);
  if (!record || !canSee(s, record)) return null;
  const [notes, redactions] = await Promise.all([
    s.account.role === 'moderator' ? Promise.resolve([]) : listNotes(ctx.database, id),
    s.account.role === 'admin' ? listRedactions(ctx.database, id) : Promise.resolve([]),
  ]);
  const stored =
    s.account.role === 'moderator' || s.account.role === 'admin'
      ? { body: record.body, suggestion: record.suggestion, meal: record.meal }
      : null;
  return { item: toStaffItem(record, ctx.now(), rules), notes, redactions, stored, canHandle: canHandle(s, record) };
}

const handlerActions = ['accept', 'extend', 'reply', 'close', 'note'] as const;
const moderatorActions = ['publish', 'hide', 'redact', 'mask', 'route'] as const;

/** A form's fields in the JSON shape the domain schemas take (`days` as a number). */
function shape(input: Record<string, unknown>): Record<string, unknown> {
  const { _csrf: _token, ...rest } = input;
  if (typeof rest.days === 'string' && /^\d{1,4}$/.test(rest.days)) rest.days = Number(rest.days);
  return rest;
}

/** A responder's (or the commission admin's) action on an item. */
export async function handleItem(
  ctx: StaffContext,
  channel: ChannelContext,
  s: StaffSession,
  id: string,
  raw: Record<string, unknown>,
): Promise<StaffOutcome> {
  const record = await findFeedback(ctx.database, id);
  if (!record || !canSee(s, record) || !canHandle(s, record)) return notFound;
  const input = shape(raw);
  if (!handlerActions.includes(input.action as (typeof handlerActions)[number]))
    return invalid({ action: ['feedback.action.invalid'] });
  if (input.action === 'note') {
    const note = parseInput(InternalNote, input);
    if (!note.ok) return note;
    await insertNote(ctx.database, {
      id: crypto.randomUUID(),
      feedbackId: id,
      accountId: s.account.id,
      body: note.data.body,
      at: ctx.now(),
    });
    return { ok: true };
  }
  const done = await runStaffCommand(channel, id, input, 'staff', { account: s.account.id });
  return done.ok ? { ok: true } : done;
}

/**
 * A moderator's action: publish (refused while a text holds an identifier), hide (reason), redact a text or
 * mask every identifier the detector finds (originals kept), route to the commission.
 */
export async function moderateItem(
  ctx: StaffContext,
  channel: ChannelContext,
  s: StaffSession,
  id: string,
  raw: Record<string, unknown>,
): Promise<StaffOutcome> {
  const record = await findFeedback(ctx.database, id);
  if (!record || !canSee(s, record)) return notFound;
  const input = shape(raw);
  if (!moderatorActions.includes(input.action as (typeof moderatorActions)[number]))
    return invalid({ action: ['feedback.action.invalid'] });
  const concurrent = conflict({ action: ['feedback.refusal.concurrent'] });
  if (input.action === 'redact') {
    const r = parseInput(Redaction, input);
    if (!r.ok) return r;
    const original = record[r.data.field];
    if (original === null) return invalid({ field: ['staff.redact.field'] });
    if (original === r.data.text) return invalid({ text: ['staff.redact.unchanged'] });
    const ok = await redactText(ctx.database, record, {
      changes: [{ id: crypto.randomUUID(), field: r.data.field, original, text: r.data.text }],
      accountId: s.account.id,
      at: ctx.now(),
      how: 'redact',
    });
    return ok ? { ok: true } : concurrent;
  }
  if (input.action === 'mask') {
    // Every finding of the detector, in every text a publication shows, masked in one step.
    const r = parseInput(MaskIdentifiers, input);
    if (!r.ok) return r;
    const found = findingsBeforePublishing(record);
    if (found.length === 0) return invalid({ action: ['staff.mask.nothing'] });
    const ok = await redactText(ctx.database, record, {
      changes: found.map((f) => ({
        id: crypto.randomUUID(),
        field: f.field,
        original: f.text,
        text: maskIdentifiers(f.text),
      })),
      accountId: s.account.id,
      at: ctx.now(),
      how: 'mask',
    });
    return ok ? { ok: true } : concurrent;
  }
  if (input.action === 'route') {
    const r = parseInput(RouteToCommission, input);
    if (!r.ok) return r;
    const ok = await routeToCommission(ctx.database, record, {
      accountId: s.account.id,
      reason: r.data.reason,
      at: ctx.now(),
    });
    return ok ? { ok: true } : concurrent;
  }
  const done = await runStaffCommand(channel, id, input, 'moderator', { account: s.account.id });
  return done.ok ? { ok: true } : done;
}

/**
 * Whether the session may call the submitter back (reveal the phone): the commission's staff only — the admin
 * for any item it sees, a moderator for the unit-routed items it sees — never a unit's responder or an
 * evaluator (the reported unit must not learn who reported it: DOMAIN.md §6.2, art. 47).
 */
export const canRevealContact = (s: StaffSession, r: Pick<FeedbackRecord, 'unitId' | 'routedTo'>): boolean =>
  (s.account.role === 'admin' || s.account.role === 'moderator') && canSee(s, r);

/**
 * A call-back: the phone the submitter left, for a stated reason, audited in the same transaction as the read
 * (src/db/staff-feedback-repo.ts). 404 outside the session's scope, 422 for a missing, too long or identifying
 * reason, 404 (field `contact`) when the item has no contact (never given, or purged after retention).
 */
export async function revealContact(
  ctx: StaffContext,
  channel: ChannelContext,
  s: StaffSession,
  id: string,
  raw: Record<string, unknown>,
): Promise<{ ok: true; phone: string } | Failure> {
  const record = await findFeedback(ctx.database, id);
  if (!record || !canRevealContact(s, record)) return notFound;
  const { _csrf: _token, ...input } = raw;
  const parsed = parseInput(ContactReveal, input);
  if (!parsed.ok) return parsed;
  const sealed = await revealSealedContact(ctx.database, {
    feedbackId: id,
    accountId: s.account.id,
    reason: parsed.data.reason,
    at: ctx.now(),
  });
  const phone = sealed === undefined ? null : unseal(channel.keys.contact, sealed, `feedback-contact:${id}`);
  if (phone === null) return invalid({ contact: ['staff.reveal.noContact'] });
  return { ok: true, phone };
}
