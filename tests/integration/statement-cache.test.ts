import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { statementCacheStats } from '../../src/db/statement-cache.ts';

/** The cache of prepared statements under the embedded client: same results as preparing each time. */
describe('statement cache (real libSQL file)', () => {
  let dir: string;
  let database: Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qinglian-stmt-'));
    database = await openDatabase({ url: `file:${join(dir, 'x.db')}` });
    await database.client.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const count = async () => Number((await database.client.execute('SELECT count(*) AS n FROM t')).rows[0]?.n);

  test('a repeated statement is prepared once and keeps giving current results', async () => {
    const before = statementCacheStats();
    for (let i = 1; i <= 20; i++) {
      const rs = await database.client.execute({ sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [i, `v${i}`] });
      expect(rs.rowsAffected).toBe(1);
      expect(rs.lastInsertRowid).toBe(BigInt(i));
      expect(await count()).toBe(i);
    }
    const after = statementCacheStats();
    // Two texts (insert, count), prepared at most once each, hit 38 times.
    expect(after.prepared - before.prepared).toBeLessThanOrEqual(2);
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(38);
  });

  test('a reader and a writer of the same shape keep their kind (RETURNING rows, rowsAffected)', async () => {
    for (let i = 0; i < 3; i++) {
      const ret = await database.client.execute({
        sql: 'INSERT INTO t (v) VALUES (?) RETURNING id, v',
        args: [`r${i}`],
      });
      expect(ret.columns).toEqual(['id', 'v']);
      expect(ret.rows[0]?.v).toBe(`r${i}`);
      const upd = await database.client.execute({ sql: 'UPDATE t SET v = v || ?', args: ['!'] });
      expect(upd.rowsAffected).toBe(i + 1);
      expect(upd.columns).toEqual([]);
    }
  });

  test('after a failed run the statement is prepared afresh and works', async () => {
    const insert = 'INSERT INTO t (id, v) VALUES (?, ?)';
    await database.client.execute({ sql: insert, args: [1, 'a'] });
    await expect(database.client.execute({ sql: insert, args: [1, 'again'] })).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    const prepared = statementCacheStats().prepared;
    await database.client.execute({ sql: insert, args: [2, 'b'] });
    expect(statementCacheStats().prepared).toBe(prepared + 1);
    expect((await database.client.execute('SELECT v FROM t ORDER BY id')).rows.map((r) => r.v)).toEqual(['a', 'b']);
  });

  test('a query that fails on its second row, then runs again with other arguments, returns every row', async () => {
    await database.client.batch([
      { sql: 'INSERT INTO t (id, v) VALUES (1, ?)', args: ['x'] },
      { sql: 'INSERT INTO t (id, v) VALUES (2, ?)', args: ['y'] },
      { sql: 'INSERT INTO t (id, v) VALUES (3, ?)', args: ['z'] },
    ]);
    const q = "SELECT CASE WHEN id = ? THEN json('not json') ELSE v END AS w FROM t ORDER BY id";
    await expect(database.client.execute({ sql: q, args: [2] })).rejects.toThrow(/JSON/i);
    const rs = await database.client.execute({ sql: q, args: [99] });
    expect(rs.rows.map((r) => r.w)).toEqual(['x', 'y', 'z']);
    // The failed read left no transaction open: a write transaction starts and commits.
    const tx = await database.client.transaction('write');
    await tx.execute({ sql: 'INSERT INTO t (id, v) VALUES (4, ?)', args: ['w'] });
    await tx.commit();
    expect(await count()).toBe(4);
  });

  test('a cached SELECT * sees a column added later', async () => {
    await database.client.execute("INSERT INTO t (id, v) VALUES (1, 'a')");
    expect((await database.client.execute('SELECT * FROM t')).columns).toEqual(['id', 'v']);
    await database.client.execute("ALTER TABLE t ADD COLUMN c TEXT NOT NULL DEFAULT 'd'");
    const rs = await database.client.execute('SELECT * FROM t');
    expect(rs.columns).toEqual(['id', 'v', 'c']);
    expect(rs.rows[0]?.c).toBe('d');
  });

  test("a call with fewer arguments than the last one gets NULL for the rest, not the last call's values", async () => {
    const q = 'SELECT ? AS a, ? AS b';
    expect((await database.client.execute({ sql: q, args: ['first', 'secret of the first caller'] })).rows[0]?.b).toBe(
      'secret of the first caller',
    );
    // Without the cache a fresh statement leaves an unbound parameter NULL; a reused one must too.
    const rs = await database.client.execute({ sql: q, args: ['second'] });
    expect(rs.rows[0]?.a).toBe('second');
    expect(rs.rows[0]?.b).toBeNull();
    // And the full form still binds both afterwards.
    const again = await database.client.execute({ sql: q, args: ['third', 'b'] });
    expect([again.rows[0]?.a, again.rows[0]?.b]).toEqual(['third', 'b']);
  });

  test('the cache is bounded: after 300 other texts the first one is prepared again', async () => {
    const first = 'SELECT 0 AS n';
    await database.client.execute(first);
    for (let i = 1; i <= 300; i++) await database.client.execute(`SELECT ${String(i)} AS n`);
    const prepared = statementCacheStats().prepared;
    expect((await database.client.execute(first)).rows[0]?.n).toBe(0);
    expect(statementCacheStats().prepared).toBe(prepared + 1);
  });

  test('group commit with cached savepoints: a failing write leaves the others committed, twice over', async () => {
    for (let round = 0; round < 2; round++) {
      const base = round * 10;
      const writes = [1, 2, 3].map((k) =>
        database.write(() =>
          database.client.batch([{ sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [base + k, 'g'] }]),
        ),
      );
      // The same key as the first write of the group: fails inside the group.
      const bad = database.write(() =>
        database.client.batch([{ sql: 'INSERT INTO t (id, v) VALUES (?, ?)', args: [base + 1, 'dup'] }]),
      );
      await Promise.all(writes);
      await expect(bad).rejects.toThrow(/UNIQUE|PRIMARY KEY/);
    }
    const rs = await database.client.execute('SELECT id FROM t ORDER BY id');
    expect(rs.rows.map((r) => r.id)).toEqual([1, 2, 3, 11, 12, 13]);
  });
});

describe('statement cache and the driver itself', () => {
  test("the driver's pragma() helper still works on a connection that caches (it bypasses the cache)", async () => {
    const { default: Native } = await import('libsql');
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-stmt-native-'));
    const db = new Native(join(dir, 'y.db'));
    try {
      // A first plain prepare puts the connection's cache in place.
      expect(db.prepare('SELECT 1 AS one').raw(true).all()).toEqual([[1]]);
      expect(db.pragma('user_version')).toEqual([{ user_version: 0 }]);
      expect(db.pragma('journal_mode')).toEqual([{ journal_mode: 'delete' }]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
