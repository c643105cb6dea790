import { z } from 'zod';

/*
 * Text safety, one home for every text field (issue 13; RELIABILITY.md §0.2). Two kinds of characters are
 * dealt with, in two ways:
 *
 * Refused (`isSafeText` is false; the JSON API answers 400 `invalid_text`, the forms show `text.unsafe`):
 *  - characters that cannot be stored or hashed faithfully: libSQL truncates text at U+0000 and turns lone
 *    surrogates into U+FFFD, so a hash taken before storage would no longer match. That is C0 controls
 *    except tab, LF and CR; DEL; C1 controls; unpaired UTF-16 surrogates;
 *  - bidirectional controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates, and the
 *    marks U+200E, U+200F, U+061C): they make a text display in another order than it is stored, so a
 *    staff member could read something other than what was filed ("Trojan Source", CVE-2021-42574).
 *    Nobody writing Chinese needs them, and refusing says so instead of silently changing the text.
 *
 * Removed (`stripInvisible`, applied by `plainText` before trimming and counting): zero-width and other
 * invisible format characters (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+00AD soft hyphen, U+180E, U+034F,
 * Hangul fillers). They arrive innocently with text pasted from chat apps and word processors and show
 * nothing, but they hide a phone number from the identifier detector, split words for search and make
 * equal texts differ. Removing them changes nothing a reader can see (an emoji family joined with U+200D
 * shows as its members side by side).
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point of this pattern
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string has no control characters (other than tab, LF, CR), no bidi controls and no lone surrogates. */
export function isSafeText(s: string): boolean {
  return !UNSAFE.test(s);
}

// The combining grapheme joiner U+034F and the Hangul fillers U+115F and U+1160 are alternatives of their
// own: inside the class they would combine with their neighbours (no-misleading-character-class).
const INVISIBLE = /[\u200B-\u200D\u2060-\u2064\uFEFF\u00AD\u180E\u3164\uFFA0]|\u034F|\u115F|\u1160/g;

/** The text without zero-width and other invisible format characters (see the comment above). */
export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE, '');
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
 * A plain-text field: invisible characters removed, trimmed, `min`..`max` UTF-16 code units (the unit HTML `maxlength` counts, so the
 * browser and the server agree), no unsafe characters.
 */
export function plainText(m: TextMessages, min: number, max: number) {
  return z
    .string(m.required)
    .overwrite(stripInvisible)
    .trim()
    .max(max, m.tooLong)
    .refine((s) => s.length >= Math.min(min, 1), m.required)
    .refine((s) => s.length >= min || s.length === 0, m.tooShort ?? m.required)
    .refine((s) => s.length <= max, m.tooLong)
    .refine(isSafeText, 'text.unsafe');
}
