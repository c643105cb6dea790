import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { TEST_NOW, testServices } from '../support/channel.ts';
import { generalItem, jsonPost } from '../support/channel-fixtures.ts';
import type { Database } from '../../src/db/client.ts';
import { findByTrackingCode, findSealedContact } from '../../src/db/feedback-repo.ts';
import { countContactReveals, routeToCommission } from '../../src/db/staff-feedback-repo.ts';
import { FeedbackReceipt } from '../../src/domain/feedback/public.ts';
import { addDays } from '../../src/domain/feedback/deadlines.ts';
import { normaliseCode, TRACKING_CODE_LENGTH } from '../../src/domain/feedback/tracking.ts';
import { canAccess, staffRoles, type StaffRole } from '../../src/domain/staff/roles.ts';
import { REVEAL_REASON_MAX } from '../../src/domain/staff/feedback-views.ts';
import { runStaffCommand } from '../../src/services/feedback.ts';
import { scheduleContactPurge } from '../../src/services/contact-retention.ts';
import { revealContact } from '../../src/staff/feedback.ts';
import type { StaffSession } from '../../src/staff/auth.ts';

/**
 * Issue 17, acceptance 5 (the use case; tests/e2e/staff.test.ts drives the page and the role × route matrix on
 * the real server): only the commission reveals a submitter's phone, for a reason, and each reveal is audited
 * without the phone. Then the retention purge the server schedules.
 */
let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
});
afterAll(() => dispose());

const services = (days = 0) => testServices(database, { now: () => addDays(TEST_NOW, days) });
const session = (role: StaffRole, unitIds: string[] = []): StaffSession => ({
  key: `k-${role}`,
  csrfToken: 'csrf',
  expiresAt: addDays(TEST_NOW, 1),
  account: { id: `acc-${role}`, username: `u.${role}`, displayName: role, role, disabled: false, demo: false, unitIds },
});
const admin = session('admin');
const moderator = session('moderator');
const responder = session('responder', ['hetang-village']);
const evaluator = session('evaluator');

async function submitted(over: Record<string, unknown>): Promise<string> {
  const res = await jsonPost(testApi(database), '/api/feedback', generalItem(over));
  expect(res.status).toBe(201);
  const { trackingCode } = FeedbackReceipt.parse(await res.json());
  return (await findByTrackingCode(database, normaliseCode(trackingCode, TRACKING_CODE_LENGTH)!))!.record.id;
}

const reveal = (s: StaffSession, id: string, reason: unknown) => {
  const { staff, channel } = services();
  return revealContact(staff, channel, s, id, { _csrf: 'csrf', reason });
};

async function auditRows(id: string) {
  const rs = await database.client.execute({
    sql: "SELECT actor, subject_type, subject_id, detail FROM audit_events WHERE action = 'contactRevealed' AND subject_id = ?",
    args: [id],
  });
  return rs.rows.map((r) => ({
    actor: String(r.actor),
    subject: `${String(r.subject_type)}/${String(r.subject_id)}`,
    detail: JSON.parse(String(r.detail)) as unknown,
  }));
}

describe('call-back: revealing a submitter’s phone (acceptance 5)', () => {
  test('the permission matrix: the commission (admin, moderator) only', () => {
    expect(staffRoles.filter((r) => canAccess(r, 'contactReveal'))).toEqual(['admin', 'moderator']);
  });

  test('the commission sees the phone; the audit row says who, which item and why, never the phone', async () => {
    const id = await submitted({ contactPhone: '13700001111' });
    expect(await reveal(admin, id, '电话回访办理结果满意度')).toEqual({ ok: true, phone: '13700001111' });
    expect(await reveal(moderator, id, '核实反映内容')).toEqual({ ok: true, phone: '13700001111' });
    expect(await auditRows(id)).toEqual([
      { actor: 'staff:acc-admin', subject: `feedback/${id}`, detail: { reason: '电话回访办理结果满意度' } },
      { actor: 'staff:acc-moderator', subject: `feedback/${id}`, detail: { reason: '核实反映内容' } },
    ]);
    const dump = await database.client.execute('SELECT * FROM audit_events');
    expect(JSON.stringify(dump.rows)).not.toContain('13700001111');
  });

  test('a unit responder (even of the reported unit) and an evaluator get 404, and nothing is audited', async () => {
    const id = await submitted({ contactPhone: '13700002222' });
    for (const s of [responder, evaluator])
      expect(await reveal(s, id, '想联系反映人')).toEqual({ ok: false, code: 'not_found' });
    expect(await auditRows(id)).toEqual([]);
  });

  test('a misconduct report routed to the commission: the admin may call back, a moderator may not see it', async () => {
    const id = await submitted({ contactPhone: '13700003333' });
    const { record } = (await findByTrackingCode(
      database,
      (await database.client.execute({ sql: 'SELECT tracking_code FROM feedback_items WHERE id = ?', args: [id] }))
        .rows[0]!.tracking_code as string,
    ))!;
    expect(
      await routeToCommission(database, record, { accountId: 'acc-moderator', reason: '检举控告', at: TEST_NOW }),
    ).toBe(true);
    expect(await reveal(moderator, id, '核实')).toEqual({ ok: false, code: 'not_found' });
    expect(await reveal(admin, id, '实名举报电话核实')).toEqual({ ok: true, phone: '13700003333' });
    expect(await auditRows(id)).toHaveLength(1);
  });

  test.each([
    ['missing', undefined, 'staff.reveal.reasonRequired'],
    ['blank', '   ', 'staff.reveal.reasonRequired'],
    ['too long', '回'.repeat(REVEAL_REASON_MAX + 1), 'staff.reveal.reasonTooLong'],
    ['holding a phone number', '回访 13912345678', 'staff.reveal.reasonIdentifier'],
  ])('a reason %s is refused (422 on the field), nothing revealed or audited', async (_label, reason, key) => {
    const id = await submitted({ contactPhone: '13700004444' });
    const r = await reveal(admin, id, reason);
    expect(r).toEqual({ ok: false, code: 'invalid', fields: { reason: [key] } });
    expect(await auditRows(id)).toEqual([]);
  });

  test('an item without a contact: refused on the contact field, no audit row', async () => {
    const id = await submitted({});
    expect(await reveal(admin, id, '回访')).toEqual({
      ok: false,
      code: 'invalid',
      fields: { contact: ['staff.reveal.noContact'] },
    });
    expect(await auditRows(id)).toEqual([]);
  });

  test('the audit page’s count is the number of reveal rows', async () => {
    const rs = await database.client.execute("SELECT count(*) AS n FROM audit_events WHERE action = 'contactRevealed'");
    expect(await countContactReveals(database)).toBe(Number(rs.rows[0]!.n));
    expect(await countContactReveals(database)).toBe(3);
  });
});

describe('contacts are purged on schedule after the retention period', () => {
  test('the schedule runs by itself and deletes only contacts of items closed longer ago than the retention', async () => {
    const closedLongAgo = await submitted({ contactPhone: '13700005555' });
    const closedRecently = await submitted({ contactPhone: '13700006666' });
    const open = await submitted({ contactPhone: '13700007777' });
    const close = async (id: string, day: number) => {
      await runStaffCommand(services(day).channel, id, { action: 'accept' }, 'staff');
      await runStaffCommand(services(day).channel, id, { action: 'reply', body: '已经处理完毕' }, 'staff');
      await runStaffCommand(services(day).channel, id, { action: 'close' }, 'staff');
    };
    await close(closedLongAgo, 1);
    await close(closedRecently, 150);
    // The clock starts 100 days after the first closure: nothing is past a 180-day retention yet.
    let today = addDays(TEST_NOW, 100);
    const purged: number[] = [];
    const schedule = scheduleContactPurge(database, {
      now: () => today,
      retentionDays: 180,
      everyMs: 25,
      onPurged: (n) => purged.push(n),
    });
    try {
      await schedule.run();
      expect(await findSealedContact(database, closedLongAgo)).toBeDefined();
      // Time passes; the timer (not a call from the test) purges the one closed more than 180 days ago.
      today = addDays(TEST_NOW, 200);
      const deadline = Date.now() + 5_000;
      while (purged.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(purged).toEqual([1]);
      expect(await findSealedContact(database, closedLongAgo)).toBeUndefined();
      expect(await findSealedContact(database, closedRecently)).toMatch(/^v1\./);
      expect(await findSealedContact(database, open)).toMatch(/^v1\./);
      const audit = await database.client.execute({
        sql: "SELECT actor FROM audit_events WHERE subject_id = ? AND action = 'contactPurged'",
        args: [closedLongAgo],
      });
      expect(audit.rows.map((r) => r.actor)).toEqual(['system']);
      // After a purge the commission can no longer call back: the contact is gone.
      expect(await reveal(admin, closedLongAgo, '回访')).toMatchObject({ ok: false, code: 'invalid' });
    } finally {
      await schedule.stop();
    }
  });
});
