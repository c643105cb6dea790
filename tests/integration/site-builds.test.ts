import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { auditStatement } from '../../src/db/audit-repo.ts';
import { auditEvents, siteBuilds } from '../../src/db/schema.ts';
import { siteBuildRequestStatement } from '../../src/db/site-builds-repo.ts';
import { freshDatabase } from '../support/db.ts';

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ seed: false }));
});
afterAll(() => dispose());

describe('site build requests', () => {
  test('a request is queued in the same batch as the change that needs it, or not at all', async () => {
    const at = new Date('2026-03-02T08:00:00Z');
    const ok = siteBuildRequestStatement(database, { reason: 'approval', requestedBy: 'staff-1', requestedAt: at });
    await database.write(() =>
      database.db.batch([
        auditStatement(database, { at, actor: 'staff-1', action: 'test.change', subjectType: 'test', subjectId: 'a' }),
        ok.statement,
      ]),
    );
    const [row] = await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, ok.id));
    expect(row).toMatchObject({ reason: 'approval', requestedBy: 'staff-1', state: 'queued', buildId: null });
    expect(row?.requestedAt.getTime()).toBe(at.getTime());

    // A batch whose change fails leaves no request behind.
    const lost = siteBuildRequestStatement(database, { reason: 'approval', requestedBy: 'staff-1', requestedAt: at });
    await expect(
      database.write(() =>
        database.db.batch([
          lost.statement,
          // Duplicate primary key: the batch fails as a whole.
          database.db.insert(siteBuilds).values({ id: ok.id, reason: 'manual', requestedAt: at }),
        ]),
      ),
    ).rejects.toThrow();
    expect(await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, lost.id))).toEqual([]);
    expect((await database.db.select().from(auditEvents)).length).toBe(1);
  });
});
