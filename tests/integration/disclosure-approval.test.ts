import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { listAudit } from '../../src/db/audit-repo.ts';
import { approveSubmission, createSubmission, listVersions } from '../../src/db/disclosure-store-repo.ts';
import { disclosureSubmissions, disclosureVersions } from '../../src/db/schema.ts';
import {
  approve,
  ownSubmissions,
  pendingApprovals,
  reject,
  submissionForApprover,
  submitChange,
} from '../../src/services/disclosure-approval.ts';
import { freshDatabase } from '../support/db.ts';
import { luhnComplete } from '../support/identifier-probe.ts';

/**
 * The approval step's rules (issue 12) on a real libSQL file: the 村务监督委员会's review required and recorded
 * for a village's 村务 kinds, reasons and opinions refused with a field-named code when they hold an ID,
 * phone or bank number (nothing stored), the approver's queue and the publisher's own list.
 */
let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase({ seed: false }));
});
afterAll(() => dispose());

const at = new Date('2026-03-02T08:00:00Z');
const today = '2026-03-02';
const clean = () => Promise.resolve([]);
const PHONE = '13812345678';
const RESIDENT_ID = '11010519491231002X';
const CARD = luhnComplete('622202123456789012');

async function submit(disclosureId: string, kind = 'decision', unitId = 'village-a') {
  const r = await createSubmission(
    database,
    {
      kind,
      unitId,
      disclosureId,
      change: 'publish',
      data: { id: disclosureId, unit: unitId, title: 'record' },
      sourceFileName: 'record.xlsx',
      reason: null,
      submittedBy: 'staff:publisher-1',
      at,
    },
    new Set(),
  );
  if (!r.ok) throw new Error(r.code);
  return r.id;
}

const approver = { approver: 'staff:approver-1', approverUnits: ['village-a', 'school-a'], at, today };

async function stateOf(id: string) {
  const [row] = await database.db.select().from(disclosureSubmissions).where(eq(disclosureSubmissions.id, id));
  return row;
}

describe('village 村务 sign-off', () => {
  test('a village decision cannot be approved without the committee’s review date and opinion; nothing is stored', async () => {
    const submissionId = await submit('decision-needs-review');
    const r = await approve(database, { submissionId, ...approver, review: {} }, clean);
    expect(r).toMatchObject({
      ok: false,
      code: 'approval.input.invalid',
      status: 422,
      fields: { reviewedOn: ['approval.reviewedOn.required'], opinion: ['approval.opinion.required'] },
    });
    const future = await approve(
      database,
      { submissionId, ...approver, review: { reviewedOn: '2026-03-03', opinion: '同意公开' } },
      clean,
    );
    expect(future).toMatchObject({ ok: false, fields: { reviewedOn: ['approval.reviewedOn.future'] } });
    const notDate = await approve(
      database,
      { submissionId, ...approver, review: { reviewedOn: '3月1日', opinion: '同意公开' } },
      clean,
    );
    expect(notDate).toMatchObject({ ok: false, fields: { reviewedOn: ['approval.reviewedOn.invalid'] } });
    expect(await listVersions(database, 'decision-needs-review')).toEqual([]);
    expect((await stateOf(submissionId))?.state).toBe('submitted');
    expect((await listAudit(database, 'disclosure', 'decision-needs-review')).map((a) => a.action)).toEqual([
      'disclosure.submitted',
    ]);
  });

  test.each([
    ['a mobile number', `同意公开，联系人 ${PHONE}`],
    ['a resident ID', `同意公开 ${RESIDENT_ID}`],
    ['a bank card number', `同意公开，账户 ${CARD}`],
  ])('an opinion with %s → 422 approval.opinion.identifier, nothing stored', async (_, opinion) => {
    const id = `decision-opinion-${opinion.length}`;
    const submissionId = await submit(id);
    const r = await approve(database, { submissionId, ...approver, review: { reviewedOn: today, opinion } }, clean);
    expect(r).toMatchObject({ ok: false, status: 422, fields: { opinion: ['approval.opinion.identifier'] } });
    expect(await listVersions(database, id)).toEqual([]);
    expect((await stateOf(submissionId))?.state).toBe('submitted');
  });

  test('with the review, the version, the submission and the audit row record it', async () => {
    const submissionId = await submit('decision-reviewed', 'collectiveAssets');
    const review = { reviewedOn: '2026-03-01', opinion: ' 同意公开 ' };
    const r = await approve(database, { submissionId, ...approver, review }, clean);
    expect(r).toMatchObject({ ok: true, version: 1 });
    const supervision = { reviewedOn: '2026-03-01', opinion: '同意公开' };
    const [version] = await listVersions(database, 'decision-reviewed');
    expect(version?.supervision).toEqual(supervision);
    expect((await stateOf(submissionId))?.supervision).toEqual(supervision);
    const audit = await listAudit(database, 'disclosure', 'decision-reviewed');
    expect(audit.at(-1)).toMatchObject({ action: 'disclosure.approved', detail: { supervision } });
  });

  test('a school kind needs no review and records none', async () => {
    const submissionId = await submit('canteen-no-review', 'canteenAccount', 'school-a');
    const r = await approve(database, { submissionId, ...approver, review: {} }, clean);
    expect(r).toMatchObject({ ok: true });
    const [version] = await listVersions(database, 'canteen-no-review');
    expect(version?.supervision).toBeNull();
  });

  test('approveSubmission takes the review directly; the append-only trigger keeps it unchanged', async () => {
    const submissionId = await submit('decision-direct');
    const supervision = { reviewedOn: '2026-02-27', opinion: '同意' };
    const r = await approveSubmission(database, { submissionId, ...approver, supervision }, clean);
    expect(r).toMatchObject({ ok: true });
    const [version] = await listVersions(database, 'decision-direct');
    expect(version?.supervision).toEqual(supervision);
    await expect(
      database.db
        .update(disclosureVersions)
        .set({ supervision: { reviewedOn: '2026-02-28', opinion: '不同意' } })
        .where(eq(disclosureVersions.disclosureId, 'decision-direct')),
    ).rejects.toThrow();
    await expect(
      database.db.run(sql`UPDATE disclosure_versions SET supervision = NULL WHERE disclosure_id = 'decision-direct'`),
    ).rejects.toThrow();
    expect((await listVersions(database, 'decision-direct'))[0]?.supervision).toEqual(supervision);
  });
});

describe('rejection', () => {
  test('the reason is required and must hold no identifier; nothing is stored until it is right', async () => {
    const submissionId = await submit('decision-rejected');
    expect(await reject(database, { submissionId, ...approver, reason: '  ' })).toMatchObject({
      ok: false,
      status: 422,
      fields: { reason: ['approval.reason.required'] },
    });
    expect(
      await reject(database, { submissionId, ...approver, reason: `表决人数不对，请联系 ${PHONE}` }),
    ).toMatchObject({ ok: false, status: 422, fields: { reason: ['approval.reason.identifier'] } });
    expect((await stateOf(submissionId))?.state).toBe('submitted');
    expect(await reject(database, { submissionId, ...approver, reason: '表决人数与名单不符' })).toEqual({ ok: true });
    expect(await stateOf(submissionId)).toMatchObject({ state: 'rejected', rejectionReason: '表决人数与名单不符' });
    const mine = await ownSubmissions(database, 'staff:publisher-1', ['village-a']);
    expect(mine.find((s) => s.id === submissionId)).toMatchObject({
      state: 'rejected',
      rejectionReason: '表决人数与名单不符',
    });
  });
});

describe('the approver’s queue and page', () => {
  test('pending submissions of the approver’s units only, oldest first; another unit’s id is not found', async () => {
    const other = await submit('decision-other-unit', 'decision', 'village-b');
    const pending = await pendingApprovals(database, ['village-a']);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((s) => s.unitId === 'village-a' && s.state === 'submitted')).toBe(true);
    const times = pending.map((s) => s.submittedAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(await submissionForApprover(database, other, ['village-a'])).toBeUndefined();
    expect(await submissionForApprover(database, other, ['village-b'])).toMatchObject({ needsSupervision: true });
  });
});

describe('corrections and withdrawals by the publisher', () => {
  const base = {
    kind: 'canteenAccount',
    unitId: 'school-a',
    disclosureId: 'canteen-no-review',
    data: { id: 'canteen-no-review', unit: 'school-a', title: 'corrected' },
    sourceFileName: 'fixed.xlsx',
    submittedBy: 'staff:publisher-1',
    at,
  };
  test.each([
    ['correction', `金额录错，经办人身份证 ${RESIDENT_ID}`],
    ['withdrawal', `重复公示，联系 ${PHONE}`],
    ['withdrawal', `退款账户 ${CARD}`],
  ] as const)('a %s reason with an identifier → 422 naming reason, nothing stored', async (change, reason) => {
    const before = await ownSubmissions(database, 'staff:publisher-1', ['school-a']);
    const r = await submitChange(database, { ...base, change, reason }, new Set());
    expect(r).toMatchObject({ ok: false, status: 422, fields: { reason: ['approval.reason.identifier'] } });
    expect(await ownSubmissions(database, 'staff:publisher-1', ['school-a'])).toHaveLength(before.length);
  });

  test('a correction with a reason is stored as pending; an empty reason names the field', async () => {
    expect(await submitChange(database, { ...base, change: 'correction', reason: '' }, new Set())).toMatchObject({
      ok: false,
      fields: { reason: ['approval.reason.required'] },
    });
    const r = await submitChange(database, { ...base, change: 'correction', reason: '支出金额更正' }, new Set());
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    const view = await submissionForApprover(database, r.id, ['school-a']);
    expect(view).toMatchObject({ needsSupervision: false, latest: { version: 1 } });
    expect(view?.submission).toMatchObject({ change: 'correction', reason: '支出金额更正' });
  });
});
