import type { AstroGlobal } from 'astro';
import { isMessageKey, t } from '../i18n/t.ts';
import { fieldId, type FormRead } from './read.ts';
import type { FieldErrors } from '../services/fields.ts';
import { unhandled, type Failure, type FailureCode } from '../services/outcome.ts';

export interface SummaryItem {
  href: string;
  text: string;
}

/**
 * The HTTP status a form page answers with when a use case fails and the page is shown again with its
 * errors. `satisfies Record<FailureCode, …>`: a new failure code does not compile until forms decide.
 */
export const formStatus = {
  invalid_text: 400,
  invalid: 422,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  deadline_passed: 409,
  idempotency_conflict: 409,
  already_used: 409,
  rate_limited: 429,
  unavailable: 503,
} as const satisfies Record<FailureCode, number>;

/** Minutes to wait, as the rate-limit message says them (at least one). */
const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/**
 * What a failed use case shows on a form: its field errors (message keys), or one message for the whole
 * form. A rate limit also sets `Retry-After`. Adapters that give a code another meaning (the feedback
 * form's `idempotency_conflict`, a 404 page for `not_found`) handle it before calling this.
 */
export function failureErrors(astro: Pick<AstroGlobal, 'response'>, f: Failure): FieldErrors {
  switch (f.code) {
    case 'rate_limited':
      astro.response.headers.set('Retry-After', String(f.retryAfterS));
      return { _: [t('form.rateLimited', { minutes: minutesOf(f.retryAfterS) })] };
    case 'invalid_text':
    case 'invalid':
    case 'forbidden':
    case 'conflict':
    case 'deadline_passed':
    case 'already_used':
      return f.fields;
    case 'not_found':
    case 'idempotency_conflict':
    case 'unavailable':
      return { _: [t('form.unavailable')] };
    default:
      return unhandled(f);
  }
}

/** The message for a body the form reader refused (too large, not urlencoded, broken encoding). */
export const readErrors = (read: Extract<FormRead, { ok: false }>): Record<string, string> => ({
  _: t(read.status === 413 ? 'form.tooLarge' : 'form.unreadable'),
});

/**
 * Field errors as text per field path. Entries are message keys (from the domain) or text the adapter
 * already translated (with variables, e.g. minutes to wait).
 */
export function messagesFor(fields: FieldErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [path, keys] of Object.entries(fields))
    out[path] = keys.map((k) => (isMessageKey(k) ? t(k) : k)).join('；');
  return out;
}

/**
 * Messages that name their field (GOV.UK: the summary and the field both say which field is wrong), for
 * fields whose own message is generic — a survey question ("choose one"), an indicator ("invalid format"), one of
 * several text boxes of a staff form. `labels` gives the field's name per path; other paths are unchanged.
 */
export function namedMessages(
  messages: Record<string, string>,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(messages).map(([path, text]) => {
      const field = labels[path];
      return [path, field ? t('form.namedError', { field, message: text }) : text];
    }),
  );
}

/**
 * The error summary (GOV.UK pattern): one link per field, in form order, to the field's id. Errors on
 * fields the form does not show (or on the whole form) link to the summary's own target.
 */
export function summaryOf(
  messages: Record<string, string>,
  order: readonly string[],
  fallbackHref: string,
): SummaryItem[] {
  const known = order.filter((p) => messages[p]).map((p) => ({ href: `#${fieldId(p)}`, text: messages[p]! }));
  const rest = Object.keys(messages)
    .filter((p) => !order.includes(p))
    .map((p) => ({ href: fallbackHref, text: messages[p]! }));
  return [...known, ...rest];
}
