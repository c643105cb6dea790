import { messages, type MessageKey } from './zh-CN.ts';

export type { MessageKey };

/** The zh-CN text for a key, with `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** True when a string (for example a domain error code) is a known message key. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(messages, key);
}

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

const dateOnly = new Intl.DateTimeFormat('zh-CN', { dateStyle: 'long', timeZone: 'Asia/Shanghai' });
/** A calendar date (YYYY-MM-DD, a Beijing date) for display. */
export const formatDate = (isoDate: string): string => dateOnly.format(new Date(`${isoDate}T12:00:00+08:00`));

/** A share as a percentage with one decimal, e.g. 0.8529 → 85.3%. */
export const formatPercent = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
