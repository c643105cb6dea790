import { z } from 'zod';

/**
 * Characters that must never be stored or hashed (RELIABILITY.md §0.2): libSQL truncates text at
 * U+0000 and turns lone surrogates into U+FFFD, so a hash taken before storage would no longer match.
 * Rejected: C0 controls except tab, LF and CR; DEL; C1 controls; unpaired UTF-16 surrogates.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point of this pattern
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no control characters (other than tab, LF, CR) and no lone surrogates. */
export function isSafeText(s: string): boolean {
  return !UNSAFE.test(s);
}

/** How deep `findUnsafeText` looks; deeper values are reported as unsafe rather than walked. */
export const MAX_DEPTH = 32;

/**
 * Paths (dotted; `_` for the root) of every string or object key in a parsed JSON value that is not
 * safe text. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnsafeText(value: unknown): string[] {
  const found: string[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0 && found.length < 20) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isSafeText(v)) found.push(path || '_');
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      found.push(path || '_');
      continue;
    }
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [k, child] of entries) {
      const childPath = path ? `${path}.${k}` : k;
      if (!isSafeText(k)) {
        found.push(path || '_');
        continue;
      }
      stack.push({ v: child, path: childPath, depth: depth + 1 });
    }
  }
  return found;
}

/** The message keys of a text field. `tooShort` is used when `min` > 1, `required` when it is empty. */
export interface TextMessages {
  required: string;
  tooShort?: string;
  tooLong: string;
}

/**
 * A plain-text field: trimmed, `min`..`max` UTF-16 code units (the unit HTML `maxlength` counts, so the
 * browser and the server agree), no unsafe characters.
 */
export function plainText(m: TextMessages, min: number, max: number) {
  return z
    .string(m.required)
    .trim()
    .max(max, m.tooLong)
    .refine((s) => s.length >= Math.min(min, 1), m.required)
    .refine((s) => s.length >= min || s.length === 0, m.tooShort ?? m.required)
    .refine((s) => s.length <= max, m.tooLong)
    .refine(isSafeText, 'text.unsafe');
}
