import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../src/db/client.ts';
import { loadConfig, type Config } from '../../src/lib/config.ts';
import { createAppContext, type AppContext } from '../../src/app-context.ts';
import { seedDatabase } from '../../db/seed.ts';
import { NO_LIMITS, TEST_NOW, TEST_SECRET_ENV } from './channel.ts';

/** The configuration of a process under test: the test secrets, silent logs, then `env`. */
export const testConfig = (env: Record<string, string> = {}): Config =>
  loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...TEST_SECRET_ENV, ...env });

/**
 * A fresh temporary-file libSQL database with every migration applied (and the registry seeded
 * unless `seed: false`), opened by the composition root with the test configuration, a fixed clock
 * and no rate limits. A file rather than `:memory:`, because the driver drops in-memory databases when a
 * transaction hands its connection back (RELIABILITY.md §0.1).
 */
export async function freshDatabase(
  opts: { seed?: boolean; demoChannel?: boolean; now?: Date } = {},
): Promise<{ app: AppContext; database: Database; dispose: () => void; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-test-'));
  const file = join(dir, 'test.db');
  const app = await createAppContext(testConfig({ DATABASE_URL: `file:${file}` }), {
    migrate: true,
    now: () => TEST_NOW,
    limits: NO_LIMITS,
  });
  if (opts.seed !== false) {
    // The demo feedback channel (items, surveys, codes) only when asked: it takes a moment to seed.
    await seedDatabase(app.database, {
      demo: true,
      now: opts.now ?? new Date('2026-01-01T00:00:00Z'),
      ...(opts.demoChannel ? { secrets: app.secrets } : {}),
    });
  }
  return {
    app,
    database: app.database,
    file,
    dispose() {
      // Tests drop the whole folder: no need to wait for the last seal.
      app.database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
