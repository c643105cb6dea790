import { isMessageKey, t } from '../i18n/t.ts';
import { fieldId } from './read.ts';
import type { FieldErrors } from '../services/fields.ts';

export interface SummaryItem {
  href: string;
  text: string;
}

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
