import { isMessageKey, t } from '../i18n/t.ts';

/**
 * Turning domain results into zh-CN text: message keys with placeholders, where some placeholder
 * values are themselves closed-vocabulary keys (a stage, a profile, a carrier) to be named.
 */
const known = (key: string): string | undefined => (isMessageKey(key) ? t(key) : undefined);
const vocabularyVars: Record<string, (value: string | number) => string | undefined> = {
  stage: (v) => known(`disclosures.stage.${v}`),
  previousStage: (v) => known(`disclosures.stage.${v}`),
  profile: (v) => known(`disclosures.profileShort.${v}`),
  carrier: (v) => known(`carrier.${v}`),
  kind: (v) => known(`disclosures.fundKind.${v}`),
};

const yuanFormat = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

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

/** Fen as yuan for reading: `123450` → `1,234.50`. */
export const formatYuan = (fen: number): string => yuanFormat.format(fen / 100);

const dateFormat = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'UTC' });
/** `2026-03-16` → the long zh-CN date. */
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

/** Today's date in Beijing, `YYYY-MM-DD`: what publicity status and posting days are judged against. */
export function todayInBeijing(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
