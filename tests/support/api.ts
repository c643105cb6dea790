import { createApi } from '../../src/api/app.ts';
import { createLogger } from '../../src/lib/log.ts';
import type { Database } from '../../src/db/client.ts';
import type { ChannelContext } from '../../src/services/context.ts';
import { testChannel } from './channel.ts';

/** The header tests use to pretend to come from another client address. */
export const TEST_IP_HEADER = 'x-test-client-ip';

/**
 * The real Hono app over a given database, with a fixed clock and silent logs unless asked. The
 * feedback channel comes from the composition root with fixed test secrets and no rate limits
 * (tests/support/channel.ts) unless `channel` is given.
 */
export function testApi(
  database: Database,
  opts: { now?: Date; bodyLimitBytes?: number; https?: boolean; logs?: string[]; channel?: ChannelContext } = {},
) {
  const logs = opts.logs;
  const now = opts.now ?? new Date('2026-03-01T08:00:00Z');
  return createApi({
    database,
    logger: createLogger(logs ? 'debug' : 'silent', (line) => logs?.push(line)),
    version: '0.0.0-test',
    bodyLimitBytes: opts.bodyLimitBytes ?? 64 * 1024,
    https: opts.https ?? false,
    now: () => now,
    channel: opts.channel ?? testChannel(database, { now: () => now }),
    clientIp: (c) => c.req.header(TEST_IP_HEADER) ?? '203.0.113.1',
  });
}
