import type { z } from 'zod';
import { isMessageKey, type MessageKey } from '../i18n/t.ts';
import { findUnsafeText } from '../domain/text/safety.ts';
import { invalid, invalidText, type Failure } from './outcome.ts';

/** Field errors: `{ 'dotted.path': [messageKey] }`, `_` for the input as a whole. */
export type FieldErrors = Record<string, string[]>;

/** The message keys zod's own issues are given (domain schemas give keys of their own). */
export const UNKNOWN_FIELD = 'common.field.unknown' satisfies MessageKey;
export const INVALID_FIELD = 'common.field.invalid' satisfies MessageKey;

/**
 * The one mapping from zod issues to field errors, for the JSON API, the query validator, the HTML forms
 * and the use cases alike. Domain schemas give message keys; zod's own English messages (unknown keys,
 * wrong JSON types, a failed coercion) never reach a client: they become generic keys that src/i18n
 * knows. Unknown keys, in a body or a query, are reported one per key (`{ extra: [UNKNOWN_FIELD] }`),
 * so the answer names the field.
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  // A Map, not an object literal: a field named `__proto__` must not reach Object.prototype.
  const out = new Map<string, string[]>();
  const add = (path: string, key: string) => {
    const list = out.get(path || '_') ?? [];
    if (!list.includes(key)) list.push(key);
    out.set(path || '_', list);
  };
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.');
    if (issue.code !== 'unrecognized_keys') add(path, isMessageKey(issue.message) ? issue.message : INVALID_FIELD);
    else for (const k of issue.keys) add(path ? `${path}.${k}` : k, UNKNOWN_FIELD);
  }
  return Object.fromEntries(out);
}

export function mergeErrors(...all: FieldErrors[]): FieldErrors {
  const out = new Map<string, string[]>();
  for (const e of all) for (const [k, v] of Object.entries(e)) out.set(k, [...new Set([...(out.get(k) ?? []), ...v])]);
  return Object.fromEntries(out);
}

/** Control characters or lone surrogates anywhere in the input: `{ path: ['text.unsafe'] }`, or null. */
export function unsafeTextErrors(raw: unknown): FieldErrors | null {
  const paths = findUnsafeText(raw);
  if (paths.length === 0) return null;
  return Object.fromEntries(paths.map((p) => [p, ['text.unsafe']]));
}

/**
 * The edge of every use case: unsafe text is refused (`invalid_text`) before anything is parsed, hashed
 * or stored; then the domain schema, with field errors as message keys (`invalid`).
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): { ok: true; data: z.infer<S> } | Failure {
  const unsafe = unsafeTextErrors(raw);
  if (unsafe) return invalidText(unsafe);
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, data: parsed.data } : invalid(fieldErrors(parsed.error));
}
