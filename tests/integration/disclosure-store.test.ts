import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { auditStatement, listAudit } from '../../src/db/audit-repo.ts';
import { readChain, sealPending, verifyChain } from '../../src/db/audit-chain.ts';
import {
  approveSubmission,
  createSubmission,
  listPendingSubmissions,
  listVersions,
  rejectSubmission,
  scrubExpiredAidNames,
} from '../../src/db/disclosure-store-repo.ts';
import { disclosureSubmissions, disclosureVersions, siteBuilds } from '../../src/db/schema.ts';
import { siteBuildRequestStatement } from '../../src/db/site-builds-repo.ts';
import { freshDatabase } from '../support/db.ts';

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ seed: false }));
});
afterAll(() => dispose());

const at = new Date('2026-03-02T08:00:00Z');
const noContent = new Set<string>();
const clean = () => Promise.resolve([]);

function aid(id: string, amountFen = 100000) {
  return {
    id,
    unit: 'school-a',
    title: '演示数据 助学金名单',
    publicity: { start: '2026-03-02', end: '2026-03-09' },
    recipients: [
      { grade: '七年级', class: '1班', name: '张*', amountFen },
      { grade: '八年级', class: '2班', name: '李**', amountFen: 50000 },
    ],
  };
}

async function submit(disclosureId: string, over: Partial<Parameters<typeof createSubmission>[1]> = {}) {
  const r = await createSubmission(
    database,
    {
      kind: 'studentAid',
      unitId: 'school-a',
      disclosureId,
      change: 'publish',
      data: aid(disclosureId),
      sourceFileName: 'aid.xlsx',
      reason: null,
      submittedBy: 'publisher-1',
      at,
      ...over,
    },
    noContent,
  );
  if (!r.ok) throw new Error(r.code);
  return r.id;
}

const approver = { approver: 'approver-1', approverUnits: ['school-a'], at };

describe('disclosure store', () => {
  test('approval writes the version, the audit row and the queued build request together', async () => {
    const submissionId = await submit('aid-2026-1');
    expect((await listPendingSubmissions(database, ['school-a'])).map((s) => s.id)).toContain(submissionId);
    const r = await approveSubmission(database, { submissionId, ...approver }, clean);
    expect(r).toMatchObject({ ok: true, version: 1 });
    if (!r.ok) return;
    const [version] = await listVersions(database, 'aid-2026-1');
    expect(version).toMatchObject({ version: 1, change: 'publish', approvedBy: 'approver-1', data: aid('aid-2026-1') });
    const [build] = await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, r.buildRequestId));
    expect(build).toMatchObject({ state: 'queued', reason: 'approval', requestedBy: 'approver-1' });
    const audit = await listAudit(database, 'disclosure', 'aid-2026-1');
    expect(audit.map((a) => a.action)).toEqual(['disclosure.submitted', 'disclosure.approved']);
    expect(audit[1]?.detail).toMatchObject({ submission: submissionId, version: 1, build: r.buildRequestId });
    const [sub] = await database.db
      .select()
      .from(disclosureSubmissions)
      .where(eq(disclosureSubmissions.id, submissionId));
    expect(sub).toMatchObject({ state: 'approved', decidedBy: 'approver-1' });
    // Approving twice is refused.
    expect(await approveSubmission(database, { submissionId, ...approver }, clean)).toMatchObject({
      ok: false,
      code: 'store.submission.notPending',
    });
  });

  test('a permalink of a content/ file, or one already stored, is refused', async () => {
    const base = {
      kind: 'studentAid',
      unitId: 'school-a',
      change: 'publish' as const,
      data: {},
      sourceFileName: null,
      reason: null,
      submittedBy: 'publisher-1',
      at,
    };
    expect(await createSubmission(database, { ...base, disclosureId: 'from-file' }, new Set(['from-file']))).toEqual({
      ok: false,
      code: 'store.disclosureId.inContent',
      status: 409,
    });
    expect(await createSubmission(database, { ...base, disclosureId: 'aid-2026-1' }, noContent)).toMatchObject({
      ok: false,
      code: 'store.disclosureId.taken',
    });
    expect(
      await createSubmission(
        database,
        { ...base, disclosureId: 'nothing-here', change: 'correction', reason: '更正' },
        noContent,
      ),
    ).toMatchObject({ ok: false, code: 'store.disclosureId.unknown' });
    expect(
      await createSubmission(
        database,
        { ...base, disclosureId: 'aid-2026-1', change: 'correction', reason: ' ' },
        noContent,
      ),
    ).toMatchObject({ ok: false, code: 'store.reason.required', status: 400 });
  });

  test('a publisher never approves their own submission; an approver of another unit gets 403', async () => {
    const submissionId = await submit('aid-2026-2');
    expect(
      await approveSubmission(
        database,
        { submissionId, approver: 'publisher-1', approverUnits: ['school-a'], at },
        clean,
      ),
    ).toMatchObject({ ok: false, code: 'store.submission.ownSubmission', status: 403 });
    expect(
      await approveSubmission(
        database,
        { submissionId, approver: 'approver-2', approverUnits: ['school-b'], at },
        clean,
      ),
    ).toMatchObject({ ok: false, code: 'store.submission.otherUnit', status: 403 });
    expect(
      await rejectSubmission(database, {
        submissionId,
        approver: 'approver-2',
        approverUnits: ['school-b'],
        at,
        reason: '不符',
      }),
    ).toMatchObject({ ok: false, code: 'store.submission.otherUnit', status: 403 });
    expect(await listVersions(database, 'aid-2026-2')).toEqual([]);
    expect(await rejectSubmission(database, { submissionId, ...approver, reason: '金额有误' })).toEqual({ ok: true });
    const [sub] = await database.db
      .select()
      .from(disclosureSubmissions)
      .where(eq(disclosureSubmissions.id, submissionId));
    expect(sub).toMatchObject({ state: 'rejected', rejectionReason: '金额有误' });
  });

  test('the re-check at approval refuses a submission the current rules reject, and writes nothing', async () => {
    const submissionId = await submit('aid-2026-3');
    const buildsBefore = (await database.db.select().from(siteBuilds)).length;
    const problems = [{ code: 'disclosures.duplicateId', path: ['id'] }];
    const r = await approveSubmission(database, { submissionId, ...approver }, () => Promise.resolve(problems));
    expect(r).toEqual({ ok: false, code: 'store.submission.invalidNow', status: 422, problems });
    expect(await listVersions(database, 'aid-2026-3')).toEqual([]);
    expect((await database.db.select().from(siteBuilds)).length).toBe(buildsBefore);
    const [sub] = await database.db
      .select()
      .from(disclosureSubmissions)
      .where(eq(disclosureSubmissions.id, submissionId));
    expect(sub?.state).toBe('submitted');
  });

  test('a failing batch leaves neither the version, the audit row nor the build request', async () => {
    const [v1] = await listVersions(database, 'aid-2026-1');
    if (!v1) throw new Error('no version');
    const auditBefore = (await listAudit(database, 'disclosure', 'aid-2026-1')).length;
    const build = siteBuildRequestStatement(database, {
      reason: 'correction',
      requestedBy: 'approver-1',
      requestedAt: at,
    });
    await expect(
      database.write(() =>
        database.db.batch([
          auditStatement(database, {
            at,
            actor: 'approver-1',
            action: 'disclosure.correction',
            subjectType: 'disclosure',
            subjectId: 'aid-2026-1',
          }),
          build.statement,
          // Same (disclosure, version) as v1: the unique series index fails the whole batch.
          database.db.insert(disclosureVersions).values({ ...v1, id: 'another-id' }),
        ]),
      ),
    ).rejects.toThrow();
    expect((await listAudit(database, 'disclosure', 'aid-2026-1')).length).toBe(auditBefore);
    expect(await database.db.select().from(siteBuilds).where(eq(siteBuilds.id, build.id))).toEqual([]);
    expect(await listVersions(database, 'aid-2026-1')).toHaveLength(1);
  });

  test('corrections and a withdrawal append versions; nothing follows a withdrawal', async () => {
    const c = await submit('aid-2026-1', {
      change: 'correction',
      reason: '金额录入错误',
      data: aid('aid-2026-1', 120000),
    });
    expect(await approveSubmission(database, { submissionId: c, ...approver }, clean)).toMatchObject({
      ok: true,
      version: 2,
    });
    const w = await submit('aid-2026-4');
    await approveSubmission(database, { submissionId: w, ...approver }, clean);
    const wd = await submit('aid-2026-4', { change: 'withdrawal', reason: '名单重复发布' });
    const r = await approveSubmission(database, { submissionId: wd, ...approver }, clean);
    expect(r).toMatchObject({ ok: true, version: 2 });
    const versions = await listVersions(database, 'aid-2026-4');
    expect(versions.map((v) => [v.version, v.change, v.data === null, v.reason])).toEqual([
      [1, 'publish', false, null],
      [2, 'withdrawal', true, '名单重复发布'],
    ]);
    const builds = await database.db.select().from(siteBuilds);
    expect(builds.map((b) => b.reason)).toEqual(expect.arrayContaining(['correction', 'withdrawal']));
    const again = await createSubmission(
      database,
      {
        kind: 'studentAid',
        unitId: 'school-a',
        disclosureId: 'aid-2026-4',
        change: 'correction',
        data: {},
        sourceFileName: null,
        reason: '再改',
        submittedBy: 'publisher-1',
        at,
      },
      noContent,
    );
    expect(again).toMatchObject({ ok: false, code: 'store.disclosureId.withdrawn' });
  });

  test('approved versions cannot be updated or deleted', async () => {
    const c = database.client;
    await expect(c.execute("DELETE FROM disclosure_versions WHERE disclosure_id = 'aid-2026-1'")).rejects.toThrow(
      /append-only/,
    );
    await expect(
      c.execute("UPDATE disclosure_versions SET reason = 'x' WHERE disclosure_id = 'aid-2026-1'"),
    ).rejects.toThrow(/append-only/);
    // Looks like a scrub but also changes an amount.
    await expect(
      c.execute(`UPDATE disclosure_versions SET scrubbed_at = 1,
        data = json_set(json_set(json_set(data, '$.recipients[0].name', ''), '$.recipients[1].name', ''), '$.recipients[0].amountFen', 1)
        WHERE disclosure_id = 'aid-2026-1'`),
    ).rejects.toThrow(/append-only/);
    // Blanks names without recording the scrub.
    await expect(
      c.execute(`UPDATE disclosure_versions SET
        data = json_set(json_set(data, '$.recipients[0].name', ''), '$.recipients[1].name', '') WHERE disclosure_id = 'aid-2026-1'`),
    ).rejects.toThrow(/append-only/);
    // Blanks only one of the names.
    await expect(
      c.execute(`UPDATE disclosure_versions SET scrubbed_at = 1, data = json_set(data, '$.recipients[0].name', '')
        WHERE disclosure_id = 'aid-2026-1'`),
    ).rejects.toThrow(/append-only/);
    // Drops a recipient.
    await expect(
      c.execute(`UPDATE disclosure_versions SET scrubbed_at = 1, data = json_remove(data, '$.recipients[1]')
        WHERE disclosure_id = 'aid-2026-1'`),
    ).rejects.toThrow(/append-only/);
    const versions = await listVersions(database, 'aid-2026-1');
    expect(versions.map((v) => [v.version, v.scrubbedAt])).toEqual([
      [1, null],
      [2, null],
    ]);
  });

  test('the one exception: expired aid names are blanked in every version, once, nothing else', async () => {
    const before = await listVersions(database, 'aid-2026-1');
    // Window not ended: nothing happens.
    expect(await scrubExpiredAidNames(database, 'aid-2026-1', () => false, at, 'system')).toBe(0);
    expect(await listVersions(database, 'aid-2026-1')).toEqual(before);

    const later = new Date('2026-03-20T00:00:00Z');
    expect(await scrubExpiredAidNames(database, 'aid-2026-1', () => true, later, 'system')).toBe(2);
    const after = await listVersions(database, 'aid-2026-1');
    for (const [i, v] of after.entries()) {
      const old = before[i]!;
      const oldData = old.data as ReturnType<typeof aid>;
      expect(v.scrubbedAt?.getTime()).toBe(later.getTime());
      expect(v.data).toEqual({ ...oldData, recipients: oldData.recipients.map((r) => ({ ...r, name: '' })) });
      expect({ ...v, data: null, scrubbedAt: null }).toEqual({ ...old, data: null, scrubbedAt: null });
    }
    // Once scrubbed, a version is locked again.
    await expect(
      database.client.execute("UPDATE disclosure_versions SET scrubbed_at = 2 WHERE disclosure_id = 'aid-2026-1'"),
    ).rejects.toThrow(/append-only/);
    expect(await scrubExpiredAidNames(database, 'aid-2026-1', () => true, later, 'system')).toBe(0);
    expect((await listAudit(database, 'disclosure', 'aid-2026-1')).map((a) => a.action)).toContain(
      'disclosure.aidNamesRemoved',
    );
  });

  test('the scrub exception is only for student-aid lists', async () => {
    const id = await submit('proc-2026-1', {
      kind: 'procurement',
      data: { id: 'proc-2026-1', recipients: [{ name: '王*' }] },
    });
    await approveSubmission(database, { submissionId: id, ...approver }, clean);
    expect(await scrubExpiredAidNames(database, 'proc-2026-1', () => true, at, 'system')).toBe(0);
    await expect(
      database.client
        .execute(`UPDATE disclosure_versions SET scrubbed_at = 1, data = json_set(data, '$.recipients[0].name', '')
        WHERE disclosure_id = 'proc-2026-1'`),
    ).rejects.toThrow(/append-only/);
  });

  test('the audit chain verifies over the store writes', async () => {
    await sealPending(database.client);
    const report = verifyChain(await readChain(database.client));
    expect(report).toMatchObject({ ok: true, pending: 0 });
    expect(report.sealed).toBeGreaterThan(10);
  });
});
