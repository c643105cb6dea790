import { messages, type MessageKey } from './zh-CN.ts';

export type { MessageKey };

/** The zh-CN text for a key, with `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
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
