/**
 * Detectors for personal identifiers that must never be published (Jiaocaiting Han [2017] No. 28: no resident
 * ID, phone, address, birth date or bank card on aid notices; GB/T 35273 §7.2 display limits). They
 * run over every string of every disclosure file at build time, and over the whole built site in
 * the test suite. They find things that *look like* identifiers, so a false alarm is possible and
 * preferred to a leak.
 */
export type PersonalDataKind = 'residentId' | 'mobile' | 'bankCard' | 'birthDate';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  /** The matching text with all but its first and last two characters masked (safe to print). */
  excerpt: string;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** True for an 18-character resident ID number whose check character is right (GB 11643-1999). */
export function isResidentIdNumber(value: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(value)) return false;
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += Number(value[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[total % 11] === value[17]!.toUpperCase();
}

/** Luhn (mod 10) check used by bank card numbers. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    total += d;
  }
  return total % 10 === 0;
}

const mask = (s: string) =>
  s.length <= 4 ? '*'.repeat(s.length) : `${s.slice(0, 2)}${'*'.repeat(s.length - 4)}${s.slice(-2)}`;

const RESIDENT_ID = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
// Mainland mobile numbers, optionally with +86 and space or hyphen groups (138 0013 8000).
const MOBILE = /(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])/g;
// Card numbers: an unbroken run of 13–19 digits, or groups of four separated by one space or hyphen.
const CARD = /(?<![0-9])(?:\d{13,19}|\d{4}(?:[ -]\d{4}){2,3}(?:[ -]?\d{1,3})?)(?![0-9])/g;
// Birth dates written as 2012-03-05, 2012/3/5, 2012.03.05, 2012 nian 3 yue 5 ri (in Han characters) or 20120305.
const BIRTH_DATE =
  /(?<![0-9])(?:(?:19|20)\d{2}(?:[-/.]|\s*\u5e74\s*)(?:0?[1-9]|1[0-2])(?:[-/.]|\s*\u6708\s*)(?:0?[1-9]|[12]\d|3[01])(?:\s*\u65e5)?|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))(?![0-9])/g;

/**
 * Identifiers found in a piece of text. `dates: true` also reports anything shaped like a date,
 * for places where no date is expected (a recipient row of an aid list).
 */
export function findPersonalData(text: string, opts: { dates?: boolean } = {}): PersonalDataMatch[] {
  const found: PersonalDataMatch[] = [];
  for (const m of text.matchAll(RESIDENT_ID))
    if (isResidentIdNumber(m[0])) found.push({ kind: 'residentId', excerpt: mask(m[0]) });
  for (const m of text.matchAll(MOBILE)) found.push({ kind: 'mobile', excerpt: mask(m[0]) });
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/[ -]/g, '');
    if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits) && !isResidentIdNumber(digits)) {
      found.push({ kind: 'bankCard', excerpt: mask(digits) });
    }
  }
  if (opts.dates) for (const m of text.matchAll(BIRTH_DATE)) found.push({ kind: 'birthDate', excerpt: mask(m[0]) });
  return found;
}

/** Field names that announce personal data which no disclosure may carry. */
const FORBIDDEN_KEY =
  /address|addr|residence|birth|dob|idcard|id_?number|identity|passport|phone|mobile|tel(?:ephone)?$|bank|card|account_?no|\u4f4f\u5740|\u5730\u5740|\u51fa\u751f|\u751f\u65e5|\u8eab\u4efd\u8bc1|\u7535\u8bdd|\u624b\u673a|\u94f6\u884c|\u5361\u53f7/i;

export function isForbiddenFieldName(key: string): boolean {
  return FORBIDDEN_KEY.test(key);
}

/**
 * Walk a parsed content file and report every string that holds an identifier and every field
 * whose name announces one (kind `field`). `datesAllowed(path)` says where a date is expected.
 */
export function scanValue(
  value: unknown,
  opts: { datesAllowed?: (path: readonly (string | number)[]) => boolean; dates?: boolean } = {},
): { path: (string | number)[]; kind: PersonalDataKind | 'field'; excerpt: string }[] {
  const out: { path: (string | number)[]; kind: PersonalDataKind | 'field'; excerpt: string }[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint') {
      const dates = opts.dates === true && !(opts.datesAllowed?.(path) ?? false);
      for (const m of findPersonalData(String(v), { dates })) out.push({ path, ...m });
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => walk(item, [...path, i]));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, item] of Object.entries(v)) {
        if (isForbiddenFieldName(k)) out.push({ path: [...path, k], kind: 'field', excerpt: k });
        walk(item, [...path, k]);
      }
    }
  };
  walk(value, []);
  return out;
}
