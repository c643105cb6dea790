import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, openDatabase, type Database } from '../../src/db/client.ts';
import { seedDatabase } from '../../db/seed.ts';
import { TEST_SECRETS } from './channel.ts';

/**
 * A fresh temporary-file libSQL database with every migration applied (and the registry seeded
 * unless `seed: false`). A file rather than `:memory:`, because the driver drops in-memory
 * databases when a transaction hands its connection back (RELIABILITY.md §0.1).
 */
export async function freshDatabase(
  opts: { seed?: boolean; demoChannel?: boolean; now?: Date } = {},
): Promise<{ database: Database; dispose(): void; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-test-'));
  const file = join(dir, 'test.db');
  const database = await openDatabase({ url: `file:${file}`, busyTimeoutMs: 5000 });
  await migrateDatabase(database);
  if (opts.seed !== false) {
    // The demo feedback channel (items, surveys, codes) only when asked: it takes a moment to seed.
    await seedDatabase(database, {
      demo: true,
      now: opts.now ?? new Date('2026-01-01T00:00:00Z'),
      ...(opts.demoChannel ? { secrets: TEST_SECRETS } : {}),
    });
  }
  return {
    database,
    file,
    dispose() {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
