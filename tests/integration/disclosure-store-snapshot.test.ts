import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll, describe, expect, test } from 'vitest';
import { readApprovedVersions } from '../../src/db/disclosure-store-snapshot.ts';
import { listVersions } from '../../src/db/disclosure-store-repo.ts';
import { freshDatabase } from '../support/db.ts';
import { approveSteps, contentRecord } from '../support/stored-disclosures.ts';

/** What the site build reads from the disclosure store (src/db/disclosure-store-snapshot.ts), on real files. */
const dir = mkdtempSync(join(tmpdir(), 'qinglian-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the build’s read of the disclosure store', () => {
  test('an absent database file has no stored disclosures, and is not created', async () => {
    const file = join(dir, 'absent.db');
    expect(await readApprovedVersions({ url: `file:${file}` })).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });

  test('an empty file, and a database without the store’s tables, have none either', async () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    expect(await readApprovedVersions({ url: `file:${empty}` })).toEqual([]);
    const old = join(dir, 'old.db');
    const client = createClient({ url: `file:${old}` });
    await client.execute('CREATE TABLE units (id TEXT PRIMARY KEY)');
    client.close();
    expect(await readApprovedVersions({ url: `file:${old}` })).toEqual([]);
  });

  test('every approved version, by disclosure and version, on a read-only connection beside the writer', async () => {
    const { database, file, dispose } = await freshDatabase();
    try {
      const data = { ...contentRecord('decisions/liuwan-village-road-hardening.yaml'), title: '村道修补' };
      await approveSteps(database, [
        { change: 'publish', kind: 'decision', id: 'store-b', data, at: new Date('2026-11-02T02:00:00Z') },
        { change: 'publish', kind: 'decision', id: 'store-a', data, at: new Date('2026-11-03T02:00:00Z') },
        {
          change: 'correction',
          kind: 'decision',
          id: 'store-a',
          data: { ...data, title: '村道修补（更正）' },
          reason: '标题有误',
          at: new Date('2026-11-04T02:00:00Z'),
        },
        {
          change: 'withdrawal',
          kind: 'decision',
          id: 'store-b',
          unit: 'liuwan-village',
          reason: '重复',
          at: new Date('2026-11-05T02:00:00Z'),
        },
      ]);
      const read = await readApprovedVersions({ url: `file:${file}` });
      expect(read.map((v) => [v.disclosureId, v.version, v.change])).toEqual([
        ['store-a', 1, 'publish'],
        ['store-a', 2, 'correction'],
        ['store-b', 1, 'publish'],
        ['store-b', 2, 'withdrawal'],
      ]);
      expect(read[1]).toMatchObject({
        kind: 'decision',
        unitId: 'liuwan-village',
        reason: '标题有误',
        approvedAt: new Date('2026-11-04T02:00:00Z'),
        scrubbedAt: null,
        supervision: null,
        data: { title: '村道修补（更正）' },
      });
      expect(read[3]!.data).toBeNull();
      // The server's own connection goes on writing and reading after the build's read.
      expect((await listVersions(database, 'store-a')).length).toBe(2);
    } finally {
      dispose();
    }
  });
});
