import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testServices } from '../support/channel.ts';
import type { StaffContext } from '../../src/staff/context.ts';
import type { ChannelContext } from '../../src/services/context.ts';
import type { Database } from '../../src/db/client.ts';
import { changeRole, createConsoleAccount, resetEnrolment, setDisabled } from '../../src/staff/accounts.ts';
import { login, resolveSession } from '../../src/staff/auth.ts';
import { finishEnrolment, startEnrolment } from '../../src/staff/enrol.ts';
import { totpCode } from '../../src/staff/credentials.ts';
import { accountOverviews } from '../../src/staff/queries.ts';
import {
  advanceSurvey,
  createSurvey,
  issueBatch,
  surveyAdminView,
  unusedSlips,
} from '../../src/services/survey-admin.ts';
import { submitSurveyResponse, surveyResults, surveyViews } from '../../src/services/surveys.ts';
import { questionSets } from '../../src/domain/surveys/questions.ts';
import type { StandardSummary } from '../../src/domain/surveys/lifecycle.ts';

/** Issue 17: accounts in the console (create, enrol, role, reset, disable, last login) and the survey lifecycle. */
let env: Awaited<ReturnType<typeof freshDatabase>>;
let database: Database;
let ctx: StaffContext;
let channel: ChannelContext;
let t = new Date('2026-03-02T01:00:00Z').getTime();
const now = () => new Date(t);
const tick = () => (t += 31_000);

beforeAll(async () => {
  env = await freshDatabase();
  database = env.database;
  const services = testServices(database, { now });
  ctx = services.staff;
  channel = services.channel;
});
afterAll(() => env.dispose());

const audit = async (subjectId: string) =>
  (
    await database.client.execute({
      sql: 'SELECT action, actor FROM audit_events WHERE subject_id = ? ORDER BY id',
      args: [subjectId],
    })
  ).rows.map((r) => `${String(r.action)} by ${String(r.actor)}`);

/** Create an account as the admin and enrol it; returns its id, the TOTP secret and the password chosen. */
async function enrolled(username: string, role: string, unitIds: string[] = []) {
  const made = await createConsoleAccount(ctx, { username, displayName: username, role, unitIds }, 'staff:admin');
  if (!made.ok) throw new Error(JSON.stringify(made));
  const start = await startEnrolment(ctx, { username, password: made.initialPassword }, '192.0.2.9');
  if (!start.ok) throw new Error(JSON.stringify(start));
  tick();
  const password = `${username} chose a long password`;
  const done = await finishEnrolment(
    ctx,
    { ticket: start.ticket, code: totpCode(start.secret, now()), newPassword: password },
    '192.0.2.9',
  );
  expect(done.ok).toBe(true);
  return { id: made.id, secret: start.secret, password, initialPassword: made.initialPassword };
}

describe('accounts console', () => {
  test('create: fields are validated by the staff schema, each error names its field', async () => {
    const bad = await createConsoleAccount(ctx, { username: '1x', displayName: '', role: 'boss' }, 'staff:admin');
    expect(bad).toMatchObject({
      code: 'invalid',
      fields: {
        username: ['staff.username.invalid'],
        displayName: ['staff.displayName.required'],
        role: ['staff.role.invalid'],
      },
    });
    const noUnits = await createConsoleAccount(ctx, { username: 'resp.x', displayName: 'x', role: 'responder' }, 'a');
    expect(noUnits).toMatchObject({ code: 'invalid', fields: { unitIds: ['staff.units.responderOnly'] } });
    const unknown = await createConsoleAccount(
      ctx,
      { username: 'resp.y', displayName: 'y', role: 'responder', unitIds: ['no-such-unit'] },
      'a',
    );
    expect(unknown).toMatchObject({ code: 'invalid', fields: { unitIds: ['staff.units.unknown'] } });
    // Nothing half-written.
    const rows = await database.client.execute("SELECT count(*) AS n FROM staff_accounts WHERE username LIKE 'resp.%'");
    expect(Number(rows.rows[0]!.n)).toBe(0);
  });

  test('a new account enrols TOTP at first login and chooses its password; the login page alone refuses it before', async () => {
    const made = await createConsoleAccount(
      ctx,
      { username: 'wang.xixi', displayName: 'Wang', role: 'responder', unitIds: ['xixi-central-primary'] },
      'staff:admin',
    );
    if (!made.ok) throw new Error('not created');
    expect(made.initialPassword.length).toBeGreaterThanOrEqual(12);
    expect(await audit(made.id)).toEqual(['staff.account.create by staff:admin']);
    // Pending: the login page answers like any failure, whatever code is typed.
    tick();
    expect(
      await login(ctx, { username: 'wang.xixi', password: made.initialPassword, code: '123456' }, '192.0.2.1', null),
    ).toEqual({ ok: false, reason: 'failed' });
    expect(await startEnrolment(ctx, { username: 'wang.xixi', password: 'wrong password' }, '192.0.2.1')).toEqual({
      ok: false,
      reason: 'failed',
    });
    const start = await startEnrolment(ctx, { username: 'wang.xixi', password: made.initialPassword }, '192.0.2.1');
    if (!start.ok) throw new Error('no enrolment step');
    expect(start.uri).toMatch(/^otpauth:\/\/totp\/Qinglian:wang\.xixi\?/);
    expect(start.passwordChange).toBe(true);
    tick();
    const wrongCode = totpCode(start.secret, now()) === '000000' ? '111111' : '000000';
    expect(
      await finishEnrolment(ctx, { ticket: start.ticket, code: wrongCode, newPassword: 'a new long password' }, 'ip'),
    ).toMatchObject({ ok: false, reason: 'invalid', fields: { code: ['staff.enrol.codeWrong'] } });
    expect(
      await finishEnrolment(ctx, { ticket: start.ticket, code: totpCode(start.secret, now()) }, 'ip'),
    ).toMatchObject({ ok: false, reason: 'invalid', fields: { newPassword: ['staff.password.required'] } });
    expect(await finishEnrolment(ctx, { ticket: `${start.ticket.slice(0, -2)}00`, code: '123456' }, 'ip')).toEqual({
      ok: false,
      reason: 'expired',
    });
    const done = await finishEnrolment(
      ctx,
      { ticket: start.ticket, code: totpCode(start.secret, now()), newPassword: 'a new long password' },
      'ip',
    );
    if (!done.ok) throw new Error(JSON.stringify(done));
    expect((await resolveSession(ctx, done.token)).ok).toBe(true);
    expect(await audit(made.id)).toContain(`staff.account.enrolled by staff:${made.id}`);
    // Enrolled: the ticket is spent, the initial password no longer works, the chosen one does.
    tick();
    expect(await finishEnrolment(ctx, { ticket: start.ticket, code: totpCode(start.secret, now()) }, 'ip')).toEqual({
      ok: false,
      reason: 'expired',
    });
    // (From another address: three failures above make this address wait, as the login limits say.)
    const code = totpCode(start.secret, now());
    expect(
      await login(ctx, { username: 'wang.xixi', password: made.initialPassword, code }, '192.0.2.2', null),
    ).toEqual({ ok: false, reason: 'failed' });
    expect(
      (await login(ctx, { username: 'wang.xixi', password: 'a new long password', code }, '192.0.2.2', null)).ok,
    ).toBe(true);
    const overview = (await accountOverviews(ctx)).find((a) => a.id === made.id);
    expect(overview).toMatchObject({ totpPending: false, role: 'responder', unitIds: ['xixi-central-primary'] });
    expect(overview?.lastLoginAt?.getTime()).toBe(now().getTime());
  });

  test('an enrolment ticket expires after 10 minutes', async () => {
    const made = await createConsoleAccount(ctx, { username: 'late.user', displayName: 'L', role: 'evaluator' }, 'a');
    if (!made.ok) throw new Error('not created');
    const start = await startEnrolment(ctx, { username: 'late.user', password: made.initialPassword }, 'ip');
    if (!start.ok) throw new Error('no step');
    t += 10 * 60_000 + 1;
    expect(
      await finishEnrolment(
        ctx,
        { ticket: start.ticket, code: totpCode(start.secret, now()), newPassword: 'x'.repeat(12) },
        'ip',
      ),
    ).toEqual({ ok: false, reason: 'expired' });
  });

  test('role and units change in one audited batch; a bad change writes nothing', async () => {
    const a = await enrolled('li.eval', 'evaluator');
    expect(await changeRole(ctx, a.id, { role: 'responder' }, 'staff:admin')).toMatchObject({
      fields: { unitIds: ['staff.units.responderOnly'] },
    });
    expect(await changeRole(ctx, a.id, { role: 'responder', unitIds: ['nope'] }, 'staff:admin')).toMatchObject({
      fields: { unitIds: ['staff.units.unknown'] },
    });
    let row = (await accountOverviews(ctx)).find((x) => x.id === a.id);
    expect(row).toMatchObject({ role: 'evaluator', unitIds: [] });
    expect(
      await changeRole(ctx, a.id, { role: 'responder', unitIds: ['hetang-village', 'hetang-village'] }, 'staff:admin'),
    ).toEqual({ ok: true });
    row = (await accountOverviews(ctx)).find((x) => x.id === a.id);
    expect(row).toMatchObject({ role: 'responder', unitIds: ['hetang-village'] });
    expect(await audit(a.id)).toContain('staff.account.role by staff:admin');
    expect(await changeRole(ctx, 'no-such-account', { role: 'moderator' }, 'staff:admin')).toEqual({
      ok: false,
      code: 'not_found',
    });
  });

  test('a TOTP reset ends sessions; the old code stops working; the user re-enrols with a new QR after the password', async () => {
    const a = await enrolled('zhao.mod', 'moderator');
    tick();
    const first = await login(
      ctx,
      { username: 'zhao.mod', password: a.password, code: totpCode(a.secret, now()) },
      'ip',
      null,
    );
    if (!first.ok) throw new Error('no login');
    expect(await resetEnrolment(ctx, a.id, 'staff:admin')).toBe(true);
    expect(await resolveSession(ctx, first.token)).toEqual({ ok: false, reason: 'revoked' });
    tick();
    expect(
      await login(ctx, { username: 'zhao.mod', password: a.password, code: totpCode(a.secret, now()) }, 'ip', null),
    ).toEqual({ ok: false, reason: 'failed' });
    const again = await startEnrolment(ctx, { username: 'zhao.mod', password: a.password }, 'ip');
    if (!again.ok) throw new Error('no step');
    expect(again.secret).not.toBe(a.secret);
    // The password was the user's own: no new one is asked for after a reset.
    expect(again.passwordChange).toBe(false);
    const done = await finishEnrolment(ctx, { ticket: again.ticket, code: totpCode(again.secret, now()) }, 'ip');
    expect(done.ok).toBe(true);
    expect(await audit(a.id)).toContain('staff.account.totpReset by staff:admin');
    // A ticket from before a second reset is void.
    const pending = await startEnrolment(ctx, { username: 'zhao.mod', password: a.password }, 'ip');
    expect(pending).toEqual({ ok: false, reason: 'failed' });
  });

  test('disable ends sessions and refuses login; enable lets the account back in', async () => {
    const a = await enrolled('qian.resp', 'responder', ['xixi-central-primary']);
    tick();
    const s = await login(
      ctx,
      { username: 'qian.resp', password: a.password, code: totpCode(a.secret, now()) },
      'ip',
      null,
    );
    if (!s.ok) throw new Error('no login');
    expect(await setDisabled(ctx, a.id, true, 'staff:admin')).toBe(true);
    expect((await resolveSession(ctx, s.token)).ok).toBe(false);
    tick();
    expect(
      await login(ctx, { username: 'qian.resp', password: a.password, code: totpCode(a.secret, now()) }, 'ip', null),
    ).toEqual({ ok: false, reason: 'failed' });
    expect(await setDisabled(ctx, a.id, false, 'staff:admin')).toBe(true);
    tick();
    expect(
      (await login(ctx, { username: 'qian.resp', password: a.password, code: totpCode(a.secret, now()) }, 'ip', null))
        .ok,
    ).toBe(true);
    expect(await audit(a.id)).toEqual(
      expect.arrayContaining(['staff.account.disable by staff:admin', 'staff.account.enable by staff:admin']),
    );
  });
});

describe('survey lifecycle', () => {
  const standards: StandardSummary[] = [
    { year: 2026, carriers: ['school', 'village', 'agency', 'enterprise', 'hospital'], hasSatisfaction: true },
    { year: 2025, carriers: ['village'], hasSatisfaction: true },
  ];
  const input = {
    carrier: 'school',
    year: '2026',
    periodLabel: '2026 年上半年',
    opensOn: '2026-02-01',
    closesOn: '2026-06-30',
    unitIds: ['xixi-central-primary', 'nanhu-nine-year-school'],
  };

  test('create: errors name their field; no standard, a carrier the standard does not assess, foreign units', async () => {
    expect(await createSurvey(channel, { ...input, year: '2030' }, standards, 'staff:admin')).toMatchObject({
      fields: { year: ['surveys.year.noStandard'] },
    });
    expect(await createSurvey(channel, { ...input, year: '2025' }, standards, 'staff:admin')).toMatchObject({
      fields: { carrier: ['surveys.carrier.notInStandard'] },
    });
    expect(
      await createSurvey(channel, { ...input, unitIds: ['hetang-village'] }, standards, 'staff:admin'),
    ).toMatchObject({ fields: { unitIds: ['surveys.units.unknown'] } });
    expect(
      await createSurvey(channel, { ...input, periodLabel: '', closesOn: '2026-01-01' }, standards, 'staff:admin'),
    ).toMatchObject({
      fields: { periodLabel: ['surveys.periodLabel.required'], closesOn: ['surveys.period.invalid'] },
    });
  });

  test('create → batches → answers → results only after publishing, with the small-sample guard; slips only unused', async () => {
    const created = await createSurvey(channel, input, standards, 'staff:admin');
    if (!created.ok) throw new Error(JSON.stringify(created));
    const view = await surveyAdminView(channel, created.id);
    expect(view?.survey.questionIds).toEqual([...questionSets.school]);
    expect(view?.units.map((u) => u.id).sort()).toEqual(['nanhu-nine-year-school', 'xixi-central-primary']);
    expect(view?.stage).toBe('open');
    expect(
      await issueBatch(channel, created.id, { unitId: 'qinglan-no1-middle-school', size: '3', label: 'x' }, 'a'),
    ).toMatchObject({
      fields: { unitId: ['surveys.batch.unit.unknown'] },
    });
    expect(
      await issueBatch(channel, created.id, { unitId: 'xixi-central-primary', size: '0', label: '' }, 'a'),
    ).toMatchObject({
      fields: { size: ['surveys.batch.size.invalid'], label: ['surveys.batch.label.required'] },
    });
    const issued = await issueBatch(
      channel,
      created.id,
      { unitId: 'xixi-central-primary', size: '3', label: '家长会' },
      'staff:admin',
    );
    expect(issued).toMatchObject({ ok: true, size: 3 });
    const slips = await unusedSlips(channel, created.id);
    expect(slips).toHaveLength(3);
    const answers = Object.fromEntries(questionSets.school.map((q) => [q, 'satisfied']));
    const r = await submitSurveyResponse(
      channel,
      created.id,
      { invitationCode: slips[0]!.code, relation: 'parent', answers },
      { ip: '198.51.100.1' },
    );
    expect(r).toMatchObject({ ok: true, unitId: 'xixi-central-primary', counted: true });
    expect((await unusedSlips(channel, created.id)).map((s) => s.code)).toEqual(slips.slice(1).map((s) => s.code));
    expect((await surveyAdminView(channel, created.id))?.batches[0]).toMatchObject({ size: 3, used: 1 });

    // Not public before publishing; the console may preview.
    expect(await surveyResults(channel, created.id)).toBeNull();
    expect((await surveyViews(channel, { published: true })).map((s) => s.id)).not.toContain(created.id);
    expect(await advanceSurvey(channel, created.id, 'publish', 'staff:admin')).toMatchObject({
      code: 'conflict',
      fields: { _: ['surveys.admin.cannotPublish'] },
    });
    expect(await advanceSurvey(channel, created.id, 'close', 'staff:admin')).toEqual({ ok: true });
    // Closed: no more answers, no more batches.
    const late = await submitSurveyResponse(
      channel,
      created.id,
      { invitationCode: slips[1]!.code, relation: 'parent', answers },
      { ip: '198.51.100.1' },
    );
    expect(late).toMatchObject({ code: 'conflict', fields: { _: ['surveys.closed'] } });
    expect(
      await issueBatch(channel, created.id, { unitId: 'xixi-central-primary', size: '1', label: 'x' }, 'a'),
    ).toMatchObject({
      code: 'conflict',
    });
    expect(await advanceSurvey(channel, created.id, 'publish', 'staff:admin')).toEqual({ ok: true });
    expect(await advanceSurvey(channel, created.id, 'publish', 'staff:admin')).toMatchObject({ code: 'conflict' });
    const results = await surveyResults(channel, created.id);
    expect(results?.units.map((u) => u.unitId).sort()).toEqual(['nanhu-nine-year-school', 'xixi-central-primary']);
    const xixi = results?.units.find((u) => u.unitId === 'xixi-central-primary');
    // One answer: counted, shown, never ranked (below the minimum sample).
    expect(xixi).toMatchObject({ rank: null, headline: { n: 1, insufficient: true } });
    expect(await audit(created.id)).toEqual([
      'surveyCreated by staff:admin',
      'invitationBatchCreated by staff:admin',
      'surveyClosed by staff:admin',
      'surveyPublished by staff:admin',
    ]);
  });
});
