import type { FieldErrors } from './fields.ts';

/**
 * How a use case fails: a neutral, stable code (and what the adapter needs to explain it), never an
 * HTTP status. The JSON API maps each code to a status (src/api/channel.ts), the HTML forms to a page
 * and its messages (src/forms/errors.ts); both tables are `Record<FailureCode, …>`, so a new code does
 * not compile until each edge has decided what it means there.
 */
export type Failure =
  /** Control characters or lone surrogates in the input, refused before anything is parsed. */
  | { ok: false; code: 'invalid_text'; fields: FieldErrors }
  /** The input breaks the domain schema or a rule that needs the database (unknown unit, used code). */
  | { ok: false; code: 'invalid'; fields: FieldErrors }
  /** The caller proved no right to act (a wrong query secret). */
  | { ok: false; code: 'forbidden'; fields: FieldErrors }
  | { ok: false; code: 'not_found' }
  /** The action does not fit the current state (a closed survey, a refused lifecycle step). */
  | { ok: false; code: 'conflict'; fields: FieldErrors }
  /**
   * A time-limited step asked for after its period ended (an extension after the handling period's due
   * day, DOMAIN.md §6.1 art.34): refused, and the item stays as it was (overdue).
   */
  | { ok: false; code: 'deadline_passed'; fields: FieldErrors }
  /** An idempotency key came back with another payload. */
  | { ok: false; code: 'idempotency_conflict' }
  /** A single-use thing (an invitation code, a verified phone for this survey) was used already. */
  | { ok: false; code: 'already_used'; fields: FieldErrors }
  | { ok: false; code: 'rate_limited'; retryAfterS: number }
  /** A collaborator is missing or failed (no phone verifier, the SMS provider refused). */
  | { ok: false; code: 'unavailable' };

export type FailureCode = Failure['code'];

export const invalidText = (fields: FieldErrors): Failure => ({ ok: false, code: 'invalid_text', fields });
export const invalid = (fields: FieldErrors): Failure => ({ ok: false, code: 'invalid', fields });
export const forbidden = (fields: FieldErrors): Failure => ({ ok: false, code: 'forbidden', fields });
export const notFound: Failure = { ok: false, code: 'not_found' };
export const conflict = (fields: FieldErrors): Failure => ({ ok: false, code: 'conflict', fields });
export const deadlinePassed = (fields: FieldErrors): Failure => ({ ok: false, code: 'deadline_passed', fields });
export const idempotencyConflict: Failure = { ok: false, code: 'idempotency_conflict' };
export const alreadyUsed = (fields: FieldErrors): Failure => ({ ok: false, code: 'already_used', fields });
export const rateLimited = (retryAfterS: number): Failure => ({ ok: false, code: 'rate_limited', retryAfterS });
export const unavailable: Failure = { ok: false, code: 'unavailable' };

/** The `default` of an exhaustive `switch` over a union: a type error when a case is missing. */
export function unhandled(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
