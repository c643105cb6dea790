import { messages, type MessageKey } from './zh-CN/index.ts';

export type { MessageKey };

/** The zh-CN text for a key, with `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** True when a string (for example a domain error code) is a known message key. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(messages, key);
}
