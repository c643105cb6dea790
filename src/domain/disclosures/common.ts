import { z } from 'zod';
import { IsoDate } from '../calendar/dates.ts';
import { Slug } from '../units/schema.ts';

/**
 * Building blocks shared by every disclosure collection. Money is always an integer number of
 * fen (1 yuan = 100 fen) so sums are exact; pages format it as yuan.
 */
export { IsoDate, YearMonth } from '../calendar/dates.ts';

/** The largest amount a single field may hold: 100 million yuan, in fen. */
export const FEN_MAX = 10_000_000_000;

/** An amount of money in integer fen (e.g. 1234.50 yuan is 123450). */
export const Fen = z
  .number('disclosures.amount.notNumber')
  .int('disclosures.amount.notWholeFen')
  .min(0, 'disclosures.amount.negative')
  .max(FEN_MAX, 'disclosures.amount.tooLarge');

/**
 * A balance in integer fen that may be negative: a month in deficit is a fact to publish (with a compliance flag),
 * not an invalid file.
 */
export const SignedFen = z
  .number('disclosures.amount.notNumber')
  .int('disclosures.amount.notWholeFen')
  .min(-FEN_MAX, 'disclosures.amount.tooLarge')
  .max(FEN_MAX, 'disclosures.amount.tooLarge');

/** Short single-line text shown on notices (titles, names of organisations, labels). */
export const Line = (max = 80) =>
  z.string().trim().min(1, 'disclosures.text.empty').max(max, 'disclosures.text.tooLong');

/** Longer free text (a summary, how a suggestion was handled). */
export const Paragraph = (max = 400) => Line(max);

/** A date range printed on the notice: the first and last day it is (or was) posted. */
export const PublicityWindow = z.strictObject({
  /** First day of the publicity period. */
  start: IsoDate,
  /** Last day of the publicity period (inclusive). */
  end: IsoDate,
});
export type PublicityWindow = z.infer<typeof PublicityWindow>;

/**
 * A document that backs a disclosure. Links are https URLs or site-relative paths; scans of
 * originals are redacted before they are linked.
 */
export const DocumentLink = z.strictObject({
  title: Line(120),
  url: z
    .string()
    .regex(/^(https:\/\/[^\s]+|\/[^\s]*)$/, 'disclosures.document.url')
    .optional(),
  /** When the document was published. */
  date: IsoDate.optional(),
});
export type DocumentLink = z.infer<typeof DocumentLink>;

/** Fields every disclosure file starts with. */
export const disclosureBase = {
  /** The unit (content/units file name) that publishes this disclosure. */
  unit: Slug,
  /** The day it was published (posted on the board and here). */
  publishedOn: IsoDate,
  /** True for the fictional demo city (demo data). */
  demo: z.boolean().default(false),
};

/**
 * One reason a file is invalid: the field path inside the file and a message key from
 * src/i18n/zh-CN/ (with values for its placeholders).
 */
export interface Problem {
  path: readonly (string | number)[];
  message: string;
  vars?: Record<string, string | number>;
}

export const problem = (path: Problem['path'], message: string, vars?: Problem['vars']): Problem =>
  vars ? { path, message, vars } : { path, message };

/** The outcome of one compliance check shown on a disclosure page. */
export type CheckState = 'pass' | 'fail' | 'pending' | 'notApplicable';

/** Every compliance check, by kind; the label of each is `disclosures.check.<key>`. */
export const checkKeys = [
  'parentCommittee',
  'competition',
  'withinBudget',
  'signedAfterPublicity',
  'publishedOnTime',
  'leaderAccompaniment',
  'surplusWithinTolerance',
  'closingBalance',
  'suggestionsHandled',
  'order',
  'merge',
  'quorum',
  'authorisation',
  'passThreshold',
  'noticePeriods',
  'posting',
  'implementation',
  'resultDisclosed',
  'contractDecision',
] as const;
export type CheckKey = (typeof checkKeys)[number];

export interface CheckResult {
  key: CheckKey;
  state: CheckState;
  /** Why (a message key), with values for its placeholders. */
  reason: string;
  vars?: Record<string, string | number>;
}

/** Overall verdict: any failure makes the record non-compliant; otherwise pending wins over pass. */
export function verdictOf(checks: readonly CheckResult[]): 'compliant' | 'nonCompliant' | 'pending' {
  if (checks.some((c) => c.state === 'fail')) return 'nonCompliant';
  if (checks.some((c) => c.state === 'pending')) return 'pending';
  return 'compliant';
}

/** Format fen as a yuan string with two decimals (`123450` → `1234.50`), for messages. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
