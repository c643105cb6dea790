import { maskIdentifiers } from '../domain/privacy/identifiers.ts';

/**
 * JSON-lines logging (RELIABILITY.md V16.4.1). Callers pass structured fields, never request bodies:
 * phones, IDs and secrets must not reach a log, so nothing here accepts free-form user input. As a last
 * line of defence every line goes through the identifier detector (issue 13), so a phone that slips into
 * an error message or a stack trace is masked before it is written (string values only: the line stays JSON).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const maskStrings = (_key: string, value: unknown) => (typeof value === 'string' ? maskIdentifiers(value) : value);

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const emit =
    (at: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (rank[at] < rank[level]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...fields }, maskStrings)}\n`);
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
