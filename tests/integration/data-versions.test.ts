import { describe, expect, test } from 'vitest';
import { NON_PUBLIC_TABLES, TABLE_AREAS, readAreaVersions } from '../../src/db/data-versions.ts';
import { freshDatabase } from '../support/db.ts';

/**
 * Migration 0008_data_versions: every table mapped in src/db/data-versions.ts has a row in
 * data_versions and its three triggers, on the migrated database (a later migration that rebuilds a
 * table drops its triggers: this test then fails until they are created again).
 */
describe('data_versions triggers', () => {
  test('every mapped table has its row and an AFTER INSERT, UPDATE and DELETE trigger bumping it; no other table has one', async () => {
    const { database, dispose } = await freshDatabase({ seed: false });
    try {
      const triggers = await database.client.execute(
        "SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'dv\\_%' ESCAPE '\\'",
      );
      const rows = await database.client.execute('SELECT name FROM data_versions ORDER BY name');
      const mapped = Object.keys(TABLE_AREAS).sort();
      expect(rows.rows.map((r) => String(r.name))).toEqual(mapped);
      for (const table of mapped) {
        const mine = triggers.rows.filter((t) => t.tbl === table);
        for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
          const t = mine.find((x) => String(x.sql).includes(`AFTER ${event} ON`));
          expect(t, `${table} ${event}`).toBeDefined();
          expect(String(t!.sql)).toContain(`WHERE \`name\` = '${table}'`);
        }
      }
      expect(triggers.rows.filter((t) => NON_PUBLIC_TABLES.has(String(t.tbl)))).toEqual([]);
    } finally {
      dispose();
    }
  });

  test('a write bumps exactly the areas of the tables it touches', async () => {
    const { database, dispose } = await freshDatabase();
    try {
      const before = await readAreaVersions(database.client);
      await database.write(() =>
        database.client.execute("UPDATE units SET name = name || '·' WHERE id = 'hetang-village'"),
      );
      const afterUnits = await readAreaVersions(database.client);
      expect(afterUnits).toEqual({ ...before, units: before.units + 1 });
      await database.write(() =>
        database.client.execute(
          "INSERT INTO rate_limits (key, window_start, count, max_count, expires_at) VALUES ('dv-test', 0, 1, 5, 1)",
        ),
      );
      expect(await readAreaVersions(database.client)).toEqual(afterUnits);
      await database.write(() =>
        database.client.execute(
          "INSERT INTO audit_checkpoints (count, head_id, head_hash, at, key_id, signature) VALUES (0, NULL, 'x', 1, 'k', 's')",
        ),
      );
      expect(await readAreaVersions(database.client)).toEqual({ ...afterUnits, audit: afterUnits.audit + 1 });
    } finally {
      dispose();
    }
  });
});
