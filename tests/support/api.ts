import { createApi } from '../../src/api/app.ts';
import { createLogger } from '../../src/log.ts';
import type { Database } from '../../src/db/client.ts';

/** The real Hono app over a given database, with a fixed clock and silent logs unless asked. */
export function testApi(database: Database, opts: { now?: Date; bodyLimitBytes?: number; https?: boolean; logs?: string[] } = {}) {
  const logs = opts.logs;
  return createApi({
    database,
    logger: createLogger(logs ? 'debug' : 'silent', (line) => logs?.push(line)),
    version: '0.0.0-test',
    bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024,
    https: opts.https ?? false,
    now: () => opts.now ?? new Date('2026-03-01T08:00:00Z'),
  });
}
