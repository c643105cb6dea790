import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
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

  test('group commit: one failing write inside a group leaves the others committed, each with its own outcome', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await database.client.execute('CREATE TABLE g (n INTEGER NOT NULL UNIQUE)');
      const groupsBefore = database.writeStats.groups;
      // Enqueued in the same tick: they wait together and run as one group.
      const writes = Array.from({ length: 20 }, (_, i) =>
        database.write(async () => {
          if (i === 7) {
            // A batch whose second statement violates UNIQUE: its first statement must be undone too.
            await database.client.batch([
              { sql: 'INSERT INTO g (n) VALUES (?)', args: [1007] },
              { sql: 'INSERT INTO g (n) VALUES (?)', args: [3] },
            ]);
          }
          if (i === 12) throw new Error('write 12 refuses');
          await database.db.run(sql`INSERT INTO g (n) VALUES (${i})`);
          return i;
        }),
      );
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.map((o) => o.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i === 7 || i === 12 ? 'rejected' : 'fulfilled')),
      );
      expect(String((outcomes[7] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
      const rs = await database.client.execute('SELECT n FROM g ORDER BY n');
      expect(rs.rows.map((r) => Number(r.n))).toEqual(
        Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7 && i !== 12),
      );
      // All twenty shared fewer commits than writes (the group may be split by the seal timer at most).
      expect(database.writeStats.groups - groupsBefore).toBeLessThanOrEqual(2);
      expect(database.writeStats.largestGroup).toBeGreaterThanOrEqual(10);
    } finally {
      dispose();
    }
  });

  test('group commit: a failed batch a write catches is undone alone, whether it came first in the write or not', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await database.client.execute('CREATE TABLE b (n INTEGER NOT NULL UNIQUE)');
      await database.client.execute('INSERT INTO b (n) VALUES (0)');
      const failing = (first: number) =>
        database.client
          .batch([
            { sql: 'INSERT INTO b (n) VALUES (?)', args: [first] },
            { sql: 'INSERT INTO b (n) VALUES (0)', args: [] },
          ])
          .then(
            () => 'stored',
            () => 'refused',
          );
      const writes = [
        // The batch is the write's first change (it runs in the write's own savepoint), then more.
        database.write(async () => {
          const outcome = await failing(11);
          await database.client.execute('INSERT INTO b (n) VALUES (12)');
          // A second batch after the rollback: in the write's savepoint again, and it holds.
          await database.client.batch([{ sql: 'INSERT INTO b (n) VALUES (13)', args: [] }]);
          return outcome;
        }),
        // A change first, then the failing batch (a nested savepoint): the change stays.
        database.write(async () => {
          await database.client.execute('INSERT INTO b (n) VALUES (21)');
          const outcome = await failing(22);
          await database.client.execute('INSERT INTO b (n) VALUES (23)');
          return outcome;
        }),
        // A read first does not count as a change: the batch alone is undone.
        database.write(async () => {
          await database.client.execute('SELECT count(*) FROM b');
          return failing(31);
        }),
      ];
      expect(await Promise.all(writes)).toEqual(['refused', 'refused', 'refused']);
      const rs = await database.client.execute('SELECT n FROM b ORDER BY n');
      expect(rs.rows.map((r) => Number(r.n))).toEqual([0, 12, 13, 21, 23]);
    } finally {
      dispose();
    }
  });

  test('group commit: nothing resolves before its commit, and a read meanwhile sees only committed rows', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await database.client.execute('CREATE TABLE h (n INTEGER NOT NULL)');
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let resolvedFirst = false;
      const first = database
        .write(async () => {
          await database.client.execute('INSERT INTO h (n) VALUES (1)');
          await held; // the group is still open: no commit yet
          return 1;
        })
        .then((v) => {
          resolvedFirst = true;
          return v;
        });
      const second = database.write(async () => database.client.execute('INSERT INTO h (n) VALUES (2)'));
      // A write may return a drizzle query (a thenable, not a promise): it must run inside the group too.
      const third = database.write(() => database.db.run(sql`INSERT INTO h (n) VALUES (3)`));
      await new Promise((r) => setTimeout(r, 30));
      expect(resolvedFirst).toBe(false);
      // A read outside the queue waits for the open group, then sees both rows, committed.
      const read = database.client.execute('SELECT count(*) AS n FROM h');
      release();
      expect(Number((await read).rows[0]!.n)).toBe(3);
      await expect(first).resolves.toBe(1);
      await second;
      await third;
      // From a second connection (another process would see the same): the rows are on disk.
      const other = await openDatabase({ url: database.url });
      try {
        expect(Number((await other.client.execute('SELECT count(*) AS n FROM h')).rows[0]!.n)).toBe(3);
      } finally {
        other.close();
      }
    } finally {
      dispose();
    }
  });

  test('group commit: a write whose transaction SQLite abandons is rejected, the others run again and commit', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      await database.client.execute('CREATE TABLE k (n INTEGER NOT NULL)');
      const writes = [0, 1, 2, 3].map((i) =>
        database.write(async () => {
          await database.client.execute({ sql: 'INSERT INTO k (n) VALUES (?)', args: [i] });
          // Ends the group's transaction under the queue (what SQLite itself does on SQLITE_FULL).
          if (i === 2) await database.client.execute('ROLLBACK');
          return i;
        }),
      );
      const outcomes = await Promise.allSettled(writes);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
      const rs = await database.client.execute('SELECT n FROM k ORDER BY n');
      expect(rs.rows.map((r) => Number(r.n))).toEqual([0, 1, 3]);
    } finally {
      dispose();
    }
  });
});
