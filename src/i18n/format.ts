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

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
/** Fen as yuan for reading: `123450` → `1,234.50`. */
export const formatYuan = (fen: number): string => yuanFormat.format(fen / 100);

/** A share as a percentage with one decimal, e.g. 0.8529 → 85.3%. */
export const formatPercent = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

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
