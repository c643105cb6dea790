import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { TEST_NOW, TEST_SECRETS } from '../support/channel.ts';
import { errorOf, generalItem, jsonPost } from '../support/channel-fixtures.ts';
import { startSmsProvider } from '../support/sms-provider.ts';
import { startSmtpSink } from '../support/smtp-sink.ts';
import type { Database } from '../../src/db/client.ts';
import type { AppContext } from '../../src/app-context.ts';
import { FeedbackReceipt } from '../../src/domain/feedback/public.ts';
import { normaliseCode, TRACKING_CODE_LENGTH } from '../../src/domain/feedback/tracking.ts';
import { addDays } from '../../src/domain/feedback/deadlines.ts';
import { findByTrackingCode } from '../../src/db/feedback-repo.ts';
import { claimDue, countOutbox, findAccountId } from '../../src/db/outbox-repo.ts';
import { runStaffCommand } from '../../src/services/feedback.ts';
import { createAccount } from '../../src/staff/accounts.ts';
import {
  dispatchDue,
  scanReminders,
  setNotifyContact,
  type DispatcherOptions,
} from '../../src/services/notifications.ts';
import { httpSms, logChannel, smtpMail } from '../../src/services/notify-channels.ts';
import { createLogger } from '../../src/lib/log.ts';
import type { RetryPolicy } from '../../src/domain/notifications/events.ts';

/**
 * Notifications through the outbox (issue 17) with real components: the migrated libSQL file, the Hono
 * app, a real SMTP server on loopback (smtp-server) and a loopback HTTP double of an SMS provider.
 * The kill -9 case is in tests/e2e/notify-crash.test.ts.
 */
let app: AppContext;
let database: Database;
let dispose: () => void;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;

const PHONE = '13912345678';
const RESPONDER_PHONE = '13700001111';
const policy: RetryPolicy = { baseMs: 1_000, maxMs: 60_000, maxAttempts: 4 };
const silent = createLogger('silent');

const accounts = [
  { username: 'hetang.responder', role: 'responder', unitIds: ['hetang-village'] },
  { username: 'xixi.responder', role: 'responder', unitIds: ['xixi-central-primary'] },
  { username: 'city.moderator', role: 'moderator', unitIds: [] },
] as const;

beforeAll(async () => {
  ({ app, database, dispose } = await freshDatabase());
  for (const a of accounts) {
    const created = await createAccount(
      app.staff,
      { ...a, unitIds: [...a.unitIds], displayName: a.username, password: 'correct-horse-battery-staple-42' },
      'test',
    );
    expect(created.ok).toBe(true);
  }
  sms = await startSmsProvider({ token: 'provider-token' });
  smtp = await startSmtpSink();
});
afterAll(async () => {
  await sms.close();
  await smtp.close();
  dispose();
});
afterEach(async () => {
  // Each test starts with an empty outbox and no staff addresses.
  await database.client.execute('DELETE FROM outbox');
  await database.client.execute('UPDATE staff_accounts SET email = NULL, phone = NULL');
  sms.requests.length = 0;
  sms.texts.clear();
  sms.setOnAccept(null);
  sms.failNext(0, 0);
  smtp.rejectNext(0, 0);
  smtp.mails.length = 0;
});

const dispatcher = (over: Partial<DispatcherOptions> = {}): DispatcherOptions => ({
  database,
  contactKey: TEST_SECRETS.contactKey,
  channels: {
    sms: httpSms({ url: sms.url, token: 'provider-token' }),
    email: smtpMail({ url: smtp.url, from: 'portal@qinglian.test' }),
  },
  logger: silent,
  now: () => TEST_NOW,
  policy,
  leaseMs: 30_000,
  signature: '测试市清廉',
  ...over,
});

async function submit(body: Record<string, unknown>) {
  const res = await jsonPost(testApi(database), '/api/feedback', generalItem(body));
  expect(res.status).toBe(201);
  const receipt = FeedbackReceipt.parse(await res.json());
  const found = await findByTrackingCode(database, normaliseCode(receipt.trackingCode, TRACKING_CODE_LENGTH)!);
  return { receipt, id: found!.record.id };
}

async function reply(id: string) {
  expect((await runStaffCommand(app.channel, id, { action: 'accept' }, 'staff')).ok).toBe(true);
  const done = await runStaffCommand(
    app.channel,
    id,
    { action: 'reply', body: '已经更新村务公开栏，感谢监督。' },
    'staff',
  );
  expect(done.ok).toBe(true);
}

const outboxRows = async () =>
  (
    await database.client.execute(
      'SELECT event, recipient_kind, recipient_id, channel, attempts, delivered_at, failed_at, last_error, next_attempt_at FROM outbox ORDER BY event, channel',
    )
  ).rows.map((r) => ({ ...r }));

async function accountId(username: string): Promise<string> {
  const id = await findAccountId(database, username);
  if (!id) throw new Error(`no account ${username}`);
  return id;
}

describe('reply published → the submitter', () => {
  test('a consenting submitter with a phone gets exactly one text, with their tracking code only', async () => {
    const { receipt, id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    expect(await outboxRows()).toEqual([]);
    await reply(id);
    const rows = await outboxRows();
    expect(rows).toMatchObject([{ event: 'replyPublished', recipient_kind: 'submitter', channel: 'sms', attempts: 0 }]);

    expect(await dispatchDue(dispatcher())).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(await dispatchDue(dispatcher({ now: () => addDays(TEST_NOW, 1) }))).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    expect(sms.requests).toHaveLength(1);
    expect(sms.requests[0]!.authorization).toBe('Bearer provider-token');
    const [text] = [...sms.texts.values()];
    expect(sms.texts.size).toBe(1);
    expect(text!.to).toBe(PHONE);
    expect(text!.text).toContain(receipt.trackingCode);
    expect(text!.text).toContain('已有答复');
    // The reply itself is never texted.
    expect(text!.text).not.toContain('村务公开栏');
    expect((await outboxRows())[0]).toMatchObject({ attempts: 1, failed_at: null, last_error: null });
    expect((await outboxRows())[0]!.delivered_at).not.toBeNull();
  });

  test('no consent → no outbox row, though the phone was given', async () => {
    const { id } = await submit({ contactPhone: PHONE });
    await reply(id);
    const explicitNo = await submit({ contactPhone: PHONE, notifyConsent: false });
    await reply(explicitNo.id);
    expect(await outboxRows()).toEqual([]);
    expect(await dispatchDue(dispatcher())).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(sms.requests).toEqual([]);
  });

  test('consent without a phone is refused naming the box (422), and nothing is stored', async () => {
    const before = (await database.client.execute('SELECT count(*) AS n FROM feedback_items')).rows[0]!.n;
    const res = await jsonPost(testApi(database), '/api/feedback', generalItem({ notifyConsent: true }));
    expect(res.status).toBe(422);
    expect((await errorOf(res)).fields).toEqual({ notifyConsent: ['feedback.notifyConsent.needsPhone'] });
    // Beside another field's error it is listed too.
    const both = await jsonPost(testApi(database), '/api/feedback', generalItem({ notifyConsent: true, body: '' }));
    expect(Object.keys((await errorOf(both)).fields ?? {}).sort()).toEqual(['body', 'notifyConsent']);
    expect((await database.client.execute('SELECT count(*) AS n FROM feedback_items')).rows[0]!.n).toBe(before);
  });

  test('a reply that loses a race writes no notification', async () => {
    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    expect((await runStaffCommand(app.channel, id, { action: 'accept' }, 'staff')).ok).toBe(true);
    const body = { action: 'reply', body: '已经更新村务公开栏，感谢监督。' };
    const results = await Promise.all([
      runStaffCommand(app.channel, id, body, 'staff'),
      runStaffCommand(app.channel, id, body, 'staff'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect((await outboxRows()).filter((r) => r.event === 'replyPublished')).toHaveLength(1);
  });
});

describe('new item → the unit responders', () => {
  test('e-mail over real SMTP and a text, naming the unit but no tracking code; never for a misconduct report', async () => {
    const responder = await accountId('hetang.responder');
    expect(
      (
        await setNotifyContact(
          database,
          responder,
          { email: 'hetang@qinglian.test', phone: RESPONDER_PHONE },
          'test',
          TEST_NOW,
        )
      ).ok,
    ).toBe(true);
    // A moderator with an address is not told of a new unit item (only of deadlines).
    await setNotifyContact(
      database,
      await accountId('city.moderator'),
      { email: 'mod@qinglian.test' },
      'test',
      TEST_NOW,
    );

    const { receipt } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await submit({ kind: 'misconductReport', body: '村干部违规收取费用的情况反映' });
    const rows = await outboxRows();
    expect(rows.map((r) => [r.event, r.recipient_id, r.channel])).toEqual([
      ['feedbackReceived', responder, 'email'],
      ['feedbackReceived', responder, 'sms'],
    ]);

    expect(await dispatchDue(dispatcher())).toEqual({ delivered: 2, retrying: 0, failed: 0 });
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0]!;
    expect(mail.to).toEqual(['hetang@qinglian.test']);
    expect(mail.from).toBe('portal@qinglian.test');
    // The outbox row id is the Message-ID: a resent mail is recognisably the same one.
    const rowId = (await database.client.execute('SELECT id FROM outbox WHERE channel = ?', ['email'])).rows[0]!.id;
    expect(mail.messageId).toBe(`<${String(rowId)}@outbox.qinglian>`);
    expect(mail.subject).toBe('新的监督反馈待受理');
    expect(mail.text).toContain('南湖乡荷塘村');
    const decoded = `${mail.subject}\n${mail.text}\n${mail.raw}`;
    const [text] = [...sms.texts.values()];
    expect(text!.to).toBe(RESPONDER_PHONE);
    expect(text!.text).toContain('南湖乡荷塘村');
    for (const leaked of [receipt.trackingCode, receipt.trackingCode.replace(/-/g, ''), PHONE]) {
      expect(decoded).not.toContain(leaked);
      expect(text!.text).not.toContain(leaked);
    }
  });

  test('an account without an address, or disabled, gets nothing', async () => {
    const responder = await accountId('hetang.responder');
    await submit({});
    expect(await outboxRows()).toEqual([]);
    await setNotifyContact(database, responder, { phone: RESPONDER_PHONE }, 'test', TEST_NOW);
    await database.client.execute({ sql: 'UPDATE staff_accounts SET disabled_at = 1 WHERE id = ?', args: [responder] });
    try {
      await submit({});
      expect(await outboxRows()).toEqual([]);
    } finally {
      await database.client.execute({
        sql: 'UPDATE staff_accounts SET disabled_at = NULL WHERE id = ?',
        args: [responder],
      });
    }
  });
});

describe('retries and backoff', () => {
  test('a failing provider is retried with doubling delays, then delivered once', async () => {
    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await reply(id);
    sms.failNext(2, 503);
    const at = (ms: number) => () => new Date(TEST_NOW.getTime() + ms);
    expect(await dispatchDue(dispatcher({ now: at(0) }))).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await outboxRows())[0]).toMatchObject({ attempts: 1, last_error: 'http_503' });
    expect(Number((await outboxRows())[0]!.next_attempt_at)).toBe(TEST_NOW.getTime() + 1_000);
    // Not due before its time.
    expect(await dispatchDue(dispatcher({ now: at(999) }))).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(await dispatchDue(dispatcher({ now: at(1_000) }))).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    // The second delay is twice the first.
    expect(Number((await outboxRows())[0]!.next_attempt_at)).toBe(TEST_NOW.getTime() + 1_000 + 2_000);
    expect(await dispatchDue(dispatcher({ now: at(2_999) }))).toEqual({ delivered: 0, retrying: 0, failed: 0 });
    expect(await dispatchDue(dispatcher({ now: at(3_000) }))).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(sms.requests).toHaveLength(3);
    // Every attempt carried the same idempotency key: the row id.
    expect(new Set(sms.requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(sms.texts.size).toBe(1);
    expect((await outboxRows())[0]).toMatchObject({ attempts: 3, last_error: null, failed_at: null });
  });

  test('after the last attempt the row is failed and counted for the admin', async () => {
    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await reply(id);
    sms.failNext(100, 502);
    let t = TEST_NOW.getTime();
    const reports = [];
    for (let i = 0; i < policy.maxAttempts + 1; i++) {
      reports.push(await dispatchDue(dispatcher({ now: () => new Date(t) })));
      t += policy.maxMs;
    }
    expect(reports).toEqual([
      { delivered: 0, retrying: 1, failed: 0 },
      { delivered: 0, retrying: 1, failed: 0 },
      { delivered: 0, retrying: 1, failed: 0 },
      { delivered: 0, retrying: 0, failed: 1 },
      { delivered: 0, retrying: 0, failed: 0 },
    ]);
    expect(sms.requests).toHaveLength(policy.maxAttempts);
    expect(await countOutbox(database)).toEqual({ pending: 0, delivered: 0, failed: 1 });
    expect((await outboxRows())[0]).toMatchObject({ attempts: 4, last_error: 'http_502' });
  });

  test('a permanent refusal (HTTP 400, SMTP 550) is not retried; SMTP 451 is', async () => {
    const responder = await accountId('hetang.responder');
    await setNotifyContact(database, responder, { email: 'hetang@qinglian.test' }, 'test', TEST_NOW);
    await submit({});
    smtp.rejectNext(1, 451);
    expect(await dispatchDue(dispatcher())).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    expect((await outboxRows())[0]).toMatchObject({ last_error: 'smtp_451' });
    smtp.rejectNext(1, 550);
    expect(await dispatchDue(dispatcher({ now: () => addDays(TEST_NOW, 1) }))).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 1,
    });
    expect((await outboxRows())[0]).toMatchObject({ last_error: 'smtp_550' });
    expect(smtp.mails).toEqual([]);

    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await reply(id);
    const badProvider = httpSms({ url: sms.url, token: 'wrong-token' });
    // The new item's e-mail has no channel in this dispatcher (given up: no_channel); the text is refused.
    expect(await dispatchDue(dispatcher({ channels: { sms: badProvider } }))).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 2,
    });
    const errors = (await outboxRows()).filter((r) => r.failed_at !== null).map((r) => r.last_error);
    expect(errors.sort()).toEqual(['http_401', 'no_channel', 'smtp_550']);
    expect(sms.texts.size).toBe(0);
  });

  test('an unreachable provider is retried (network error)', async () => {
    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await reply(id);
    const closed = httpSms({ url: 'http://127.0.0.1:9/v1/sms', timeoutMs: 2_000 });
    expect(await dispatchDue(dispatcher({ channels: { sms: closed } }))).toEqual({
      delivered: 0,
      retrying: 1,
      failed: 0,
    });
    expect((await outboxRows())[0]).toMatchObject({ last_error: 'network' });
  });

  test('a claimed row is left alone for its lease, then taken again (a crash mid-send is retried)', async () => {
    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await reply(id);
    const claim = (ms: number) =>
      claimDue(database, {
        now: new Date(TEST_NOW.getTime() + ms),
        leaseUntil: new Date(TEST_NOW.getTime() + ms + 30_000),
        limit: 10,
        maxAttempts: 4,
      });
    expect((await claim(0)).map((r) => r.attempts)).toEqual([1]);
    // As if the first dispatcher died before marking: a second one does not take it during the lease…
    expect(await claim(29_999)).toEqual([]);
    // …and does after it, counting another attempt.
    expect((await claim(30_000)).map((r) => r.attempts)).toEqual([2]);
    expect(await dispatchDue(dispatcher({ now: () => new Date(TEST_NOW.getTime() + 60_000) }))).toEqual({
      delivered: 1,
      retrying: 0,
      failed: 0,
    });
    expect(sms.texts.size).toBe(1);
  });
});

describe('deadline reminders', () => {
  test('3 days before and after the due day, each once per item, to the unit responder and the moderator', async () => {
    const responder = await accountId('hetang.responder');
    const moderator = await accountId('city.moderator');
    const otherUnit = await accountId('xixi.responder');
    for (const [who, phone] of [
      [responder, '13700001111'],
      [moderator, '13700002222'],
      [otherUnit, '13700003333'],
    ] as const)
      await setNotifyContact(database, who, { phone }, 'test', TEST_NOW);
    const { id } = await submit({});
    const answered = await submit({});
    await reply(answered.id);
    await database.client.execute('DELETE FROM outbox');
    const rules = app.channel.rules;
    const items = await database.client.execute(
      "SELECT count(*) AS n FROM feedback_items WHERE state IN ('received','accepted','extended','reopened') AND routed_to = 'unit'",
    );
    // Acknowledge within 15 days of receipt (TEST_NOW, 1 March 2026): due 16 March.
    expect(await scanReminders(database, rules, addDays(TEST_NOW, 11))).toBe(0);
    const soon = addDays(TEST_NOW, 13);
    const added = await scanReminders(database, rules, soon);
    const mine = async (event: string) =>
      (
        await database.client.execute({
          sql: 'SELECT recipient_id FROM outbox WHERE subject_id = ? AND event = ? ORDER BY recipient_id',
          args: [id, event],
        })
      ).rows.map((r) => String(r.recipient_id));
    expect(await mine('deadlineSoon')).toEqual([responder, moderator].sort());
    expect(added).toBeGreaterThanOrEqual(2);
    expect(Number(items.rows[0]!.n)).toBeGreaterThan(0);
    // Scans again (the same day, the next day): nothing new.
    expect(await scanReminders(database, rules, soon)).toBe(0);
    expect(await scanReminders(database, rules, addDays(TEST_NOW, 14))).toBe(0);
    const passed = addDays(TEST_NOW, 17);
    expect(await scanReminders(database, rules, passed)).toBeGreaterThanOrEqual(2);
    expect(await mine('deadlinePassed')).toEqual([responder, moderator].sort());
    expect(await scanReminders(database, rules, passed)).toBe(0);
    expect(await scanReminders(database, rules, addDays(TEST_NOW, 40))).toBe(0);
    // The answered item got none.
    const forAnswered = await database.client.execute({
      sql: 'SELECT count(*) AS n FROM outbox WHERE subject_id = ?',
      args: [answered.id],
    });
    expect(Number(forAnswered.rows[0]!.n)).toBe(0);
    // Delivered like any row; the texts name the unit, the staff texts no tracking code.
    const report = await dispatchDue(dispatcher({ now: () => passed, batchSize: 500 }));
    expect(report.failed).toBe(0);
    const texts = [...sms.texts.values()].filter((m) => m.to === '13700001111').map((m) => m.text);
    expect(texts.some((x) => x.includes('3 日内到期'))).toBe(true);
    expect(texts.some((x) => x.includes('已超过办理期限'))).toBe(true);
  });
});

describe('the log channel (the default)', () => {
  test('accepts every message and logs neither the address nor the text', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', (l) => lines.push(l));
    const { id } = await submit({ contactPhone: PHONE, notifyConsent: true });
    await reply(id);
    const report = await dispatchDue(
      dispatcher({ channels: { sms: logChannel(logger, 'sms'), email: logChannel(logger, 'email') } }),
    );
    expect(report).toEqual({ delivered: 1, retrying: 0, failed: 0 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ channel: 'sms', level: 'info' });
    expect(lines[0]).not.toContain(PHONE);
    expect(lines[0]).not.toContain('已有答复');
    expect(sms.requests).toEqual([]);
  });
});

describe('staff notification contacts', () => {
  test('checked, normalised, cleared by empty values, audited without the addresses', async () => {
    const responder = await accountId('hetang.responder');
    const bad = await setNotifyContact(database, responder, { email: 'not-an-address', phone: '123' }, 'cli', TEST_NOW);
    expect(bad).toMatchObject({
      ok: false,
      fields: { email: ['notify.email.invalid'], phone: ['notify.phone.invalid'] },
    });
    expect(
      await setNotifyContact(database, 'no-such-account', { phone: '13700001111' }, 'cli', TEST_NOW),
    ).toMatchObject({
      ok: false,
      fields: { accountId: ['notify.account.unknown'] },
    });
    expect((await setNotifyContact(database, responder, { phone: '+86 137-0000-1111' }, 'cli', TEST_NOW)).ok).toBe(
      true,
    );
    const read = async () =>
      (
        await database.client.execute({
          sql: 'SELECT email, phone FROM staff_accounts WHERE id = ?',
          args: [responder],
        })
      ).rows[0]!;
    expect({ ...(await read()) }).toEqual({ email: null, phone: '13700001111' });
    expect((await setNotifyContact(database, responder, { phone: '' }, 'cli', TEST_NOW)).ok).toBe(true);
    expect({ ...(await read()) }).toEqual({ email: null, phone: null });
    const audit = await database.client.execute({
      sql: "SELECT detail FROM audit_events WHERE action = 'staff.account.contact' AND actor = 'cli' AND subject_id = ?",
      args: [responder],
    });
    expect(audit.rows.map((r) => String(r.detail))).toEqual([
      JSON.stringify({ email: false, phone: true }),
      JSON.stringify({ email: false, phone: false }),
    ]);
    expect(audit.rows.map((r) => String(r.detail)).join()).not.toContain('13700001111');
  });
});
