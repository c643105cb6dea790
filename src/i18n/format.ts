import { isMessageKey, t } from './t.ts';
import type { FindingKind } from '../domain/privacy/identifiers.ts';

/**
 * The one home of zh-CN formatting: dates, months, amounts, percentages, sorting, and domain
 * results (message keys with placeholders) turned into sentences.
 */

const collator = new Intl.Collator('zh-CN');
/** Sort names the way a Chinese reader expects (pinyin order). */
export const compareZh = (a: string, b: string): number => collator.compare(a, b);

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Asia/Shanghai',
});
/** A UTC instant shown in Beijing time. */
export const formatDateTime = (d: Date): string => dateTime.format(d);

const dateFormat = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'UTC' });
/** A calendar date (`YYYY-MM-DD`, a Beijing date) as the long zh-CN date. */
export function formatDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return dateFormat.format(Date.UTC(y, m - 1, d));
}

const monthFormat = new Intl.DateTimeFormat('zh-CN', { year: 'numeric', month: 'long', timeZone: 'UTC' });
/** `2026-03` → the zh-CN year and month. */
export function formatMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return monthFormat.format(Date.UTC(y, m - 1, 1));
}

/** A disclosure period as read: `2026-03` → the zh-CN month, `2026-Q1` → the year's first quarter. */
export function formatPeriod(period: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(period);
  return q ? t('disclosures.period.quarter', { year: q[1] ?? '', quarter: q[2] ?? '' }) : formatMonth(period);
}

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Fen as yuan for reading: `123450` → `1,234.50`. */
export const formatYuan = (fen: number): string => yuanFormat.format(fen / 100);

/** A rate as an exact fraction of two integers (numerator of denominator). */
export interface Fraction {
  numerator: number;
  denominator: number;
}

/**
 * Hundredths of a percent of `numerator / denominator`, rounded half away from zero on exact integer arithmetic
 * (BigInt): 8999.5 hundredths (89.995 %) becomes 9000 (90.00 %), −0.125 % becomes −0.13 %.
 */
export function percentHundredths(numerator: number, denominator: number): number {
  if (!Number.isInteger(numerator) || !Number.isInteger(denominator) || denominator === 0)
    throw new RangeError(`percentHundredths needs integers and a non-zero denominator (${numerator}/${denominator})`);
  const negative = numerator < 0 !== denominator < 0 && numerator !== 0;
  const n = BigInt(Math.abs(numerator)) * 10_000n;
  const d = BigInt(Math.abs(denominator));
  const rounded = (2n * n + d) / (2n * d);
  return Number(negative ? -rounded : rounded);
}

/**
 * Hundredths of a percent of a rate given as a binary number (a mean, an interval bound): the value is first read
 * as the shortest decimal that round-trips (`toPrecision(12)` drops the binary noise of x/n), then rounded half
 * away from zero. Use `percentHundredths` whenever the fraction itself is at hand.
 */
function hundredthsOfNumber(x: number): number {
  const scaled = Number((x * 10_000).toPrecision(12));
  return Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5);
}

const hundredthsText = (h: number): string => {
  const abs = Math.abs(h);
  return `${h < 0 ? '−' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}%`;
};

/**
 * A percentage with two decimals, rounded half away from zero (everywhere: satisfaction, food-cost share,
 * on-time rates, pass rates). A `Fraction` is rounded exactly; a number is read as its shortest decimal first.
 */
export function formatPercent(x: number | Fraction): string {
  return hundredthsText(typeof x === 'number' ? hundredthsOfNumber(x) : percentHundredths(x.numerator, x.denominator));
}

/** `numerator / denominator < threshold`, exactly: the threshold (a decimal such as 0.9) is read to six places. */
export function isBelow(x: Fraction, threshold: number): boolean {
  const scale = 1_000_000n;
  const t = BigInt(Math.round(threshold * 1_000_000));
  return BigInt(x.numerator) * scale < t * BigInt(x.denominator);
}

/**
 * A rate measured against a threshold: the verdict comes from the exact fraction; when rounding to two decimals
 * would show the threshold (89.995 % as 90.00 %) the text says that it is below (`below: true`).
 */
export function formatPercentAgainst(x: Fraction, threshold: number): { text: string; below: boolean } {
  const text = formatPercent(x);
  const below = isBelow(x, threshold);
  if (below && percentHundredths(x.numerator, x.denominator) >= hundredthsOfNumber(threshold))
    return { text: t('site.percentBelow', { value: text, threshold: formatPercent(threshold) }), below };
  return { text, below };
}

const known = (key: string): string | undefined => (isMessageKey(key) ? t(key) : undefined);
/** Placeholder values that are themselves closed-vocabulary keys (a stage, a profile, a carrier) to be named. */
const vocabularyVars: Record<string, (value: string | number) => string | undefined> = {
  stage: (v) => known(`disclosures.stage.${v}`),
  previousStage: (v) => known(`disclosures.stage.${v}`),
  profile: (v) => known(`disclosures.profileShort.${v}`),
  carrier: (v) => known(`carrier.${v}`),
  kind: (v) => known(`disclosures.fundKind.${v}`),
};

/** The zh-CN sentence for a domain message key (unknown keys, e.g. zod's own messages, pass through). */
export function explain(message: string, vars: Record<string, string | number> = {}): string {
  if (!isMessageKey(message)) return message;
  const filled = Object.fromEntries(
    Object.entries(vars).map(([k, v]) => {
      const named = vocabularyVars[k]?.(v);
      if (named !== undefined) return [k, named];
      // Dates and months in reasons read the way the rest of the page writes them.
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return [k, formatDate(v)];
      if (typeof v === 'string' && /^\d{4}-\d{2}$/.test(v)) return [k, formatMonth(v)];
      if (typeof v === 'string' && /^\d{4}-Q[1-4]$/.test(v)) return [k, formatPeriod(v)];
      if (typeof v === 'string' && /^-?\d+\.\d{2}$/.test(v)) return [k, yuanFormat.format(Number(v))];
      return [k, v];
    }),
  );
  return t(message, filled);
}

/** The kinds of identifier findings as a list (`手机号码 2 处、身份证号码 1 处`), in the order first found. */
export function formatFindingKinds(findings: readonly { kind: FindingKind }[], { counts = true } = {}): string {
  const tally = new Map<FindingKind, number>();
  for (const f of findings) tally.set(f.kind, (tally.get(f.kind) ?? 0) + 1);
  return [...tally]
    .map(([kind, count]) =>
      counts ? t('privacy.kindCount', { kind: t(`privacy.kind.${kind}`), count }) : t(`privacy.kind.${kind}`),
    )
    .join(t('privacy.listSeparator'));
}
