/**
 * Personal data in disclosure files, which must never be published (Jiaocaiting Han [2017] No. 28: no
 * resident ID, phone, address, birth date or bank card on aid notices; GB/T 35273 §7.2 display limits).
 * The identifiers themselves are found by the one detector, src/domain/privacy/identifiers.ts; this file
 * adds what only content files have: field names that announce personal data, and paths into a file.
 * It runs over every string of every disclosure file at build time, and the built site is scanned in
 * the test suite.
 */
import { excerptOf, findIdentifiers, type FindingKind } from '../privacy/identifiers.ts';

/**
 * The kinds a disclosure file must never hold. Office landlines, official mailboxes and the plates of a
 * unit's vehicles are published on purpose (a supervision hotline on an aid notice), so they are left
 * to the reviewer; the detector's other kinds are personal by nature.
 */
export const disclosureKinds = ['residentId', 'mobile', 'bankCard', 'birthDate'] as const satisfies FindingKind[];
export type PersonalDataKind = (typeof disclosureKinds)[number];

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  /** The matching text with all but its first and last two characters masked (safe to print). */
  excerpt: string;
}

const isDisclosureKind = (k: FindingKind): k is PersonalDataKind => (disclosureKinds as readonly string[]).includes(k);

/**
 * Identifiers found in a piece of text, by the one detector (src/domain/privacy). `dates: true` also
 * reports anything shaped like a date, for places where no date is expected (a recipient row of an aid list).
 */
export function findPersonalData(text: string, opts: { dates?: boolean } = {}): PersonalDataMatch[] {
  return findIdentifiers(text, { birthDates: opts.dates === true }).flatMap((f) =>
    isDisclosureKind(f.kind) ? [{ kind: f.kind, excerpt: excerptOf(text, f) }] : [],
  );
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
