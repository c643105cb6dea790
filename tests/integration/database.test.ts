import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  assertDurability,
  migrateDatabase,
  migrationVersion,
  openDatabase,
  readDurability,
} from '../../src/db/client.ts';
import { countUnits } from '../../src/db/units-repo.ts';
import { seedDatabase } from '../../db/seed.ts';
import { freshDatabase } from '../support/db.ts';

describe('openDatabase', () => {
  test('creates a missing directory and holds WAL, synchronous=FULL, foreign keys and busy timeout after a transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-db-'));
    const database = await openDatabase({ url: `file:${join(dir, 'nested', 'deeper', 'x.db')}`, busyTimeoutMs: 1234 });
    try {
      const report = await assertDurability(database);
      expect(report).toEqual({ journalMode: 'wal', synchronous: 2, foreignKeys: 1, busyTimeout: 1234 });
      // And again after a second transaction: the pragmas must not fall back to defaults.
      expect(await readDurability(database)).toEqual(report);
    } finally {
      database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('assertDurability refuses a connection whose pragmas were changed', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await database.client.execute('PRAGMA synchronous = NORMAL');
      await database.client.execute('PRAGMA foreign_keys = OFF');
      await expect(assertDurability(database)).rejects.toThrow(/synchronous is 1, expected 2[\s\S]*foreign_keys is 0/);
    } finally {
      dispose();
    }
  });

  test('foreign keys are enforced', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await expect(
        database.client.execute(
          "INSERT INTO units (id, name, carrier, township_id, lead_department, updated_at) VALUES ('x','x','school','nowhere','x',0)",
        ),
      ).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      dispose();
    }
  });
});

describe('migrations and seed', () => {
  test('are idempotent: running both twice changes no counts', async () => {
    const { database, dispose } = await freshDatabase();
    try {
      const before = { units: await countUnits(database), migrations: await migrationVersion(database) };
      await migrateDatabase(database);
      await seedDatabase(database, { demo: true, now: new Date('2026-02-01T00:00:00Z') });
      expect({ units: await countUnits(database), migrations: await migrationVersion(database) }).toEqual(before);
      expect(before.units).toBeGreaterThanOrEqual(9);
    } finally {
      dispose();
    }
  });

  test('without DEMO the fictional units are not seeded', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await seedDatabase(database, { demo: false, now: new Date() });
      expect(await countUnits(database)).toBe(0);
    } finally {
      dispose();
    }
  });
});

describe('write queue', () => {
  test('serialises writers: 50 concurrent batches all land, none fails with SQLITE_BUSY', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await database.client.execute('CREATE TABLE q (n INTEGER NOT NULL)');
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          database.write(() =>
            database.client.batch(
              [
                { sql: 'INSERT INTO q (n) VALUES (?)', args: [i] },
                { sql: 'INSERT INTO q (n) VALUES (?)', args: [i + 100] },
              ],
              'write',
            ),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      const rs = await database.client.execute('SELECT count(*) AS n FROM q');
      expect(Number(rs.rows[0]!.n)).toBe(100);
    } finally {
      dispose();
    }
  });

  test('a failing write does not block the writers after it', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await expect(database.write(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(database.write(async () => 'next')).resolves.toBe('next');
    } finally {
      dispose();
    }
  });
});
