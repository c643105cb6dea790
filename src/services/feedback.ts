import { findUnit } from '../db/units-repo.ts';
import {
  applyChange,
  findByIdempotencyKey,
  findByTrackingCode,
  findFeedback,
  insertFeedback,
  listDeadlineFacts,
  listEvents,
  listPublished,
  recordOfNew,
  type NewFeedback,
} from '../db/feedback-repo.ts';
import { consumeRateLimits, rateLimitReached } from '../db/rate-limit-repo.ts';
import {
  FeedbackSubmission,
  GeneralSubmission,
  ReopenInput,
  RatingInput,
  SecretInput,
  checkFeedbackAt,
  checkMealDate,
  checkNotifyConsent,
  normalisePhone,
  routeOf,
  type FeedbackInput,
} from '../domain/feedback/schema.ts';
import { applyCommand, FeedbackCommand, type Actor, type Refusal } from '../domain/feedback/states.ts';
import { deadlinesOf, onTimeReplyRate, type OnTimeRate } from '../domain/feedback/deadlines.ts';
import {
  displayStatus,
  findingsBeforePublishing,
  toPublicFeedback,
  toTrackingView,
  type FeedbackReceipt,
  type FeedbackRecord,
  type PublicFeedback,
  type TrackingView,
} from '../domain/feedback/public.ts';
import {
  bytesFor,
  encodeCrockford,
  formatCode,
  normaliseCode,
  SECRET_LENGTH,
  TRACKING_CODE_LENGTH,
} from '../domain/feedback/tracking.ts';
import { equalHex, hmacBytes, random, seal, sha256Hex } from '../lib/crypto.ts';
import { checkAltcha } from './altcha.ts';
import { limitKey, type ChannelContext, type ClientInfo } from './context.ts';
import { fieldErrors, mergeErrors, parseInput, unsafeTextErrors, type FieldErrors } from './fields.ts';
import {
  conflict,
  deadlinePassed,
  forbidden,
  idempotencyConflict,
  invalid,
  invalidText,
  notFound,
  rateLimited,
  type Failure,
} from './outcome.ts';

export const trackingPath = (code: string) => `/feedback/track/${formatCode(code)}/`;

/** The query secret for an idempotency key: a retried submission gets the same secret back. */
function secretFor(ctx: ChannelContext, idempotencyKey: string): string {
  return encodeCrockford(hmacBytes(ctx.keys.trackingSecret, idempotencyKey), SECRET_LENGTH);
}
const hashSecret = (secret: string) => sha256Hex(`feedback-secret:${secret}`);

/** Canonical JSON (sorted keys) of the submission without its transport guards. */
function payloadHash(input: FeedbackInput): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
        )
      : v;
  return sha256Hex(JSON.stringify(canonical(input)));
}

/**
 * A missing or unknown kind stops a discriminated union before it looks at any other field. So that a
 * form shows every problem at once, the other fields are also checked as a general item.
 */
function withOtherFields(raw: unknown, errors: FieldErrors): FieldErrors {
  if (!errors.kind || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return errors;
  const again = GeneralSubmission.safeParse({ ...raw, kind: 'suggestion' });
  if (again.success) return errors;
  const { kind: _kind, ...others } = fieldErrors(again.error);
  return mergeErrors(errors, others);
}

/** On the error path only: an unknown unit is reported with the other field errors. */
async function unitErrors(ctx: ChannelContext, unitId: string): Promise<FieldErrors> {
  return (await findUnit(ctx.database, unitId)) ? {} : { unitId: ['feedback.unitId.unknown'] };
}

/** An accompanied-meal date that parses but is in the future or too old is reported with the other field errors. */
function withClockChecks(raw: unknown, now: Date, errors: FieldErrors): FieldErrors {
  const date = (raw as { meal?: { date?: unknown } } | null)?.meal?.date;
  if (errors['meal.date'] || typeof date !== 'string' || typeof raw !== 'object') return errors;
  const problem = checkMealDate(date, now);
  return problem ? mergeErrors(errors, { 'meal.date': [problem] }) : errors;
}

/** The consent to a reply text needs a phone (checked beside the other field errors). */
function withConsentCheck(raw: unknown, errors: FieldErrors): FieldErrors {
  const problem = errors.notifyConsent ? null : checkNotifyConsent(raw);
  return problem ? mergeErrors(errors, { notifyConsent: [problem] }) : errors;
}

export type SubmitResult = { ok: true; receipt: FeedbackReceipt; replayed: boolean } | Failure;

function receiptOf(ctx: ChannelContext, record: FeedbackRecord, secret: string): FeedbackReceipt {
  return {
    trackingCode: formatCode(record.trackingCode),
    secret: formatCode(secret),
    status: displayStatus(record, ctx.now(), ctx.rules),
    routedTo: record.routedTo,
    acknowledgeBy: deadlinesOf(record, ctx.rules).acknowledgeBy.date,
    trackingUrl: trackingPath(record.trackingCode),
  };
}

async function replay(ctx: ChannelContext, key: string, hash: string): Promise<SubmitResult | null> {
  const existing = await findByIdempotencyKey(ctx.database, key);
  if (!existing) return null;
  if (existing.payloadHash !== hash) return idempotencyConflict;
  const found = await findByTrackingCode(ctx.database, existing.trackingCode);
  if (!found) return null;
  return { ok: true, receipt: receiptOf(ctx, found.record, secretFor(ctx, key)), replayed: true };
}

/**
 * Submit feedback (JSON API and HTML forms alike). Order matters: unsafe text is refused before
 * anything is hashed or stored; a retry is answered from the stored item before any limit is counted;
 * the item, its contact, its counters, its redeemed challenge and its audit row commit together.
 */
export async function submitFeedback(ctx: ChannelContext, raw: unknown, client: ClientInfo): Promise<SubmitResult> {
  const unsafe = unsafeTextErrors(raw);
  if (unsafe) return invalidText(unsafe);
  const parsed = FeedbackSubmission.safeParse(raw);
  const now = ctx.now();
  if (!parsed.success) {
    const errors = withConsentCheck(raw, withClockChecks(raw, now, withOtherFields(raw, fieldErrors(parsed.error))));
    const unitId = (raw as { unitId?: unknown } | null)?.unitId;
    return invalid(
      !errors.unitId && typeof unitId === 'string' ? mergeErrors(errors, await unitErrors(ctx, unitId)) : errors,
    );
  }
  const { idempotencyKey: givenKey, website: _honeypot, altcha, ...rest } = parsed.data;
  const input: FeedbackInput = rest.contactPhone ? { ...rest, contactPhone: normalisePhone(rest.contactPhone) } : rest;
  const timed = withConsentCheck(input, checkFeedbackAt(input, now));
  if (Object.keys(timed).length) return invalid(mergeErrors(timed, await unitErrors(ctx, input.unitId)));

  const key = givenKey ?? Buffer.from(random(18)).toString('base64url');
  const hash = payloadHash(input);
  if (givenKey) {
    const again = await replay(ctx, key, hash);
    if (again) return again;
  }

  let pow: { id: string; expiresAt: number } | undefined;
  if (altcha) {
    const check = await checkAltcha(ctx, altcha);
    if (!check.ok)
      return invalid({ altcha: [check.reason === 'expired' ? 'feedback.altcha.expired' : 'feedback.altcha.invalid'] });
    pow = { id: check.id, expiresAt: check.expiresAt };
  }
  const rateHits = pow
    ? [{ key: limitKey(ctx, 'feedback-pow-ip', client.ip), ...ctx.limits.feedbackPerIp }]
    : [{ key: limitKey(ctx, 'feedback-nopow-ip', client.ip), ...ctx.limits.feedbackNoPowPerIp }];

  const secret = secretFor(ctx, key);
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = crypto.randomUUID();
    const item: NewFeedback = {
      id,
      trackingCode: encodeCrockford(random(bytesFor(TRACKING_CODE_LENGTH)), TRACKING_CODE_LENGTH),
      secretHash: hashSecret(secret),
      idempotencyKey: key,
      payloadHash: hash,
      kind: input.kind,
      routedTo: routeOf(input.kind),
      unitId: input.unitId,
      disclosureId: input.disclosureId ?? null,
      body: input.kind === 'accompaniedMeal' ? null : input.body,
      meal: input.kind === 'accompaniedMeal' ? input.meal : null,
      suggestion: input.kind === 'accompaniedMeal' ? input.suggestion || null : null,
      // A misconduct report is never published, whatever the form said (DOMAIN.md §6.3).
      publicConsent: input.kind === 'misconductReport' ? false : input.publicConsent,
      receivedAt: now,
    };
    const contactSealed = input.contactPhone
      ? seal(ctx.keys.contact, input.contactPhone, `feedback-contact:${id}`)
      : undefined;
    const stored = await insertFeedback(ctx.database, item, {
      contactSealed,
      notify: input.notifyConsent === true,
      rateHits,
      altcha: pow,
      now,
    });
    if (stored.ok) return { ok: true, receipt: receiptOf(ctx, recordOfNew(item), secret), replayed: false };
    switch (stored.reason) {
      case 'unknown_unit':
        return invalid({ unitId: ['feedback.unitId.unknown'] });
      case 'rate_limited':
        return rateLimited(stored.retryAfterS);
      case 'challenge_used':
        return invalid({ altcha: ['feedback.altcha.used'] });
      case 'duplicate_key': {
        // A concurrent retry with the same key won the race: answer as that retry.
        const again = await replay(ctx, key, hash);
        if (again) return again;
        throw new Error('idempotency key taken but no item found');
      }
      case 'tracking_code_taken':
        continue;
    }
  }
  throw new Error('could not allocate a tracking code');
}

export type TrackResult = { ok: true; view: TrackingView; unitName: string } | Failure;

/**
 * Look up an item by tracking code. Unknown codes count against the caller's lookup limit. The code alone
 * shows every text masked; `full` is for callers that proved to be the submitter (the query secret,
 * checked by `actAsSubmitter`, or the sealed receipt the server itself issued, src/forms/receipt.ts).
 */
export async function trackFeedback(
  ctx: ChannelContext,
  rawCode: string,
  client: ClientInfo,
  { full = false }: { full?: boolean } = {},
): Promise<TrackResult> {
  const code = normaliseCode(rawCode, TRACKING_CODE_LENGTH);
  const found = code ? await findByTrackingCode(ctx.database, code) : undefined;
  if (!found) return lookupMiss(ctx, client);
  const unit = await findUnit(ctx.database, found.record.unitId);
  const events = await listEvents(ctx.database, found.record.id);
  return {
    ok: true,
    view: toTrackingView(found.record, events, ctx.now(), ctx.rules, { full }),
    unitName: unit?.name ?? found.record.unitId,
  };
}

async function lookupMiss(ctx: ChannelContext, client: ClientInfo): Promise<Failure> {
  const limit = await consumeRateLimits(
    ctx.database,
    [{ key: limitKey(ctx, 'lookup-miss-ip', client.ip), ...ctx.limits.lookupFailuresPerIp }],
    ctx.now(),
  );
  return limit.ok ? notFound : rateLimited(limit.retryAfterS);
}

const refusalKey = (r: Refusal) => `feedback.refusal.${r.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}`;

export type SubmitterAction = 'rate' | 'reopen' | 'view';

const submitterInputs = { rate: RatingInput, reopen: ReopenInput, view: SecretInput } as const;

/**
 * The submitter rates the reply, reopens the item, or reads it with the full (unmasked) text, proving
 * ownership with the query secret. All three go through the same limit and the same secret check.
 */
export async function actAsSubmitter(
  ctx: ChannelContext,
  rawCode: string,
  action: SubmitterAction,
  raw: unknown,
  client: ClientInfo,
): Promise<TrackResult> {
  const parsed = parseInput<(typeof submitterInputs)[SubmitterAction]>(submitterInputs[action], raw);
  if (!parsed.ok) return parsed;
  const code = normaliseCode(rawCode, TRACKING_CODE_LENGTH);
  if (!code) return lookupMiss(ctx, client);
  const now = ctx.now();
  // Wrong secrets count per (code, address) and per address, and only once the secret has been checked:
  // a guesser elsewhere cannot block the submitter's own rating or reopening (issue 13). A pair or an
  // address over its limit is refused before the secret is looked at, so the limit bounds guessing.
  const failureHits = [
    { key: limitKey(ctx, 'feedback-secret-fail', `${code}|${client.ip}`), ...ctx.limits.secretFailuresPerCodeAndIp },
    { key: limitKey(ctx, 'feedback-secret-fail-ip', client.ip), ...ctx.limits.secretFailuresPerIp },
  ];
  const limited = await rateLimitReached(ctx.database, failureHits, now);
  if (!limited.ok) return rateLimited(limited.retryAfterS);
  const found = await findByTrackingCode(ctx.database, code);
  if (!found) return lookupMiss(ctx, client);
  const secret = normaliseCode(parsed.data.secret, SECRET_LENGTH);
  if (!secret || !equalHex(hashSecret(secret), found.secretHash)) {
    await consumeRateLimits(ctx.database, failureHits, now);
    return forbidden({ secret: ['feedback.secret.wrong'] });
  }
  if (action === 'view') return trackFeedback(ctx, code, client, { full: true });
  const data = parsed.data as RatingInput | ReopenInput;
  const command: FeedbackCommand =
    'rating' in data ? { action: 'rate', rating: data.rating } : { action: 'reopen', reason: data.reason };
  const changed = await runCommand(ctx, found.record, command, 'submitter');
  if (!changed.ok) return changed;
  return trackFeedback(ctx, code, client);
}

export type CommandOutcome = { ok: true; record: FeedbackRecord } | Failure;

async function runCommand(
  ctx: ChannelContext,
  record: FeedbackRecord,
  command: FeedbackCommand,
  actor: Actor,
  detail: Record<string, unknown> = {},
): Promise<CommandOutcome> {
  const now = ctx.now();
  const decided = applyCommand(record, command, actor, now, ctx.rules);
  if (!decided.ok) {
    const fields = { action: [refusalKey(decided.reason)] };
    return decided.reason === 'extension_deadline_passed' ? deadlinePassed(fields) : conflict(fields);
  }
  // Safe by construction (issue 13): text that still holds an identifier is never published as it is.
  // The update below is guarded by the row version, so a text changed since it was read here fails too.
  if (command.action === 'publish' && findingsBeforePublishing(record).length > 0)
    return conflict({ action: [refusalKey('identifiers_found')] });
  const changed = await applyChange(ctx.database, record, decided.patch, decided.event, now, detail);
  if (!changed.ok) return conflict({ action: ['feedback.refusal.concurrent'] });
  return changed;
}

/**
 * A staff or moderator command on an item (accept, extend, reply, close, publish, hide). The staff
 * console (src/staff/feedback.ts) authenticates the caller and checks the unit; this parses the command,
 * decides it with the domain rules and stores the change with its audit row.
 */
export async function runStaffCommand(
  ctx: ChannelContext,
  feedbackId: string,
  raw: unknown,
  actor: 'staff' | 'moderator',
  /** Extra audit detail, e.g. `{ account }`: which staff account acted (the staff console passes it). */
  detail: Record<string, unknown> = {},
): Promise<CommandOutcome> {
  const parsed = parseInput(FeedbackCommand, raw);
  if (!parsed.ok) return parsed;
  const record = await findFeedback(ctx.database, feedbackId);
  if (!record) return notFound;
  return runCommand(ctx, record, parsed.data, actor, detail);
}

export interface UnitFeedbackSummary {
  published: PublicFeedback[];
  onTime: OnTimeRate;
}

/** What a unit page shows: moderated, consented items and the on-time reply rate. */
export async function unitFeedbackSummary(
  ctx: ChannelContext,
  unitId: string,
  limit = 50,
): Promise<UnitFeedbackSummary> {
  const now = ctx.now();
  const [published, facts] = await Promise.all([
    listPublished(ctx.database, unitId, limit),
    listDeadlineFacts(ctx.database, unitId),
  ]);
  return {
    published: published.map((r) => toPublicFeedback(r, now, ctx.rules)),
    onTime: onTimeReplyRate(facts, now, ctx.rules),
  };
}
