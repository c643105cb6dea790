import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { freshDatabase } from '../support/db.ts';
import { testApi, TEST_IP_HEADER } from '../support/api.ts';
import { NO_LIMITS, TEST_NOW, testChannel } from '../support/channel.ts';
import { errorOf, generalItem, jsonPost, mealItem } from '../support/channel-fixtures.ts';
import { withStatus } from '../support/outcome.ts';
import type { Database } from '../../src/db/client.ts';
import { FeedbackReceipt, PublicFeedback, TrackingView } from '../../src/domain/feedback/public.ts';
import { BODY_MAX } from '../../src/domain/feedback/schema.ts';
import { normaliseCode, TRACKING_CODE_LENGTH } from '../../src/domain/feedback/tracking.ts';
import { runStaffCommand } from '../../src/services/feedback.ts';
import {
  findByTrackingCode,
  findSealedContact,
  listUnitInbox,
  listCommissionInbox,
} from '../../src/db/feedback-repo.ts';
import { unseal } from '../../src/lib/crypto.ts';
import { addDays } from '../../src/domain/feedback/deadlines.ts';
import type { ChannelContext } from '../../src/services/context.ts';
import { z } from 'zod';

let database: Database;
let dispose: () => void;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
});
afterAll(() => dispose());

const api = () => testApi(database);
const submit = async (body: unknown, headers: Record<string, string> = {}, a = api()) =>
  jsonPost(a, '/api/feedback', body, headers);
const receiptOf = async (res: Response) => FeedbackReceipt.parse(await res.json());
const idOf = async (code: string) =>
  (await findByTrackingCode(database, normaliseCode(code, TRACKING_CODE_LENGTH)!))!.record.id;

/** A channel whose clock is `days` after the fixed test time. */
const later = (days: number): ChannelContext => testChannel(database, { now: () => addDays(TEST_NOW, days) });

async function solved(ctxApi = api()): Promise<string> {
  const challenge = (await (await ctxApi.request('/api/altcha/challenge')).json()) as Challenge;
  const solution = await solveChallenge({ challenge, deriveKey });
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

describe('POST /api/feedback', () => {
  test('201 with a readable tracking code, a secret, the acknowledgement deadline and a Location', async () => {
    const res = await submit(generalItem());
    expect(res.status).toBe(201);
    const r = await receiptOf(res);
    expect(r.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(r.secret).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(r).toMatchObject({ status: 'received', routedTo: 'unit', acknowledgeBy: '2026-03-16' });
    expect(res.headers.get('location')).toBe(r.trackingUrl);
  });

  test('a 陪餐 record is stored with its details', async () => {
    const r = await receiptOf(await submit(mealItem()));
    const view = TrackingView.parse(await (await api().request(`/api/feedback/${r.trackingCode}`)).json());
    expect(view.content?.meal).toMatchObject({ meal: 'lunch', taste: 'good', price: 'fair' });
    expect(view.content?.suggestion).toBe('青菜偏咸');
  });

  test('the phone is stored only sealed, in its own table, and never in any response', async () => {
    const res = await submit(generalItem({ contactPhone: '+86 139 1234 5678' }));
    const text = await res.clone().text();
    expect(text).not.toMatch(/1391234|5678|contact|phone/i);
    const r = await receiptOf(res);
    const id = await idOf(r.trackingCode);
    const sealed = await findSealedContact(database, id);
    expect(sealed).toMatch(/^v1\./);
    expect(unseal(testChannel(database).keys.contact, sealed!, `feedback-contact:${id}`)).toBe('13912345678');
    const dump = await database.client.execute('SELECT * FROM feedback_items');
    expect(JSON.stringify(dump.rows)).not.toContain('13912345678');
    const view = await (await api().request(`/api/feedback/${r.trackingCode}`)).text();
    expect(view).not.toMatch(/13912345678|contact|phone|secretHash|secret_hash/i);
  });

  test('a misconduct report goes to the commission only: never public, never in the unit inbox, content withheld', async () => {
    const r = await receiptOf(
      await submit(
        generalItem({ kind: 'misconductReport', body: '反映某干部违规收受礼品的问题线索', publicConsent: true }),
      ),
    );
    expect(r).toMatchObject({ routedTo: 'commission', status: 'routed' });
    const id = await idOf(r.trackingCode);
    expect((await listUnitInbox(database, 'hetang-village')).map((x) => x.id)).not.toContain(id);
    expect((await listCommissionInbox(database)).map((x) => x.id)).toContain(id);
    const view = TrackingView.parse(await (await api().request(`/api/feedback/${r.trackingCode}`)).json());
    expect(view.content).toBeNull();
    expect(view.deadlines.handleBy).toBeNull();
    const publish = await runStaffCommand(testChannel(database), id, { action: 'publish' }, 'moderator');
    expect(withStatus(publish)).toMatchObject({
      ok: false,
      status: 409,
      fields: { action: ['feedback.refusal.neverPublished'] },
    });
  });

  test('a retry with the same idempotency key returns the same code and secret and stores nothing new', async () => {
    const body = generalItem({ idempotencyKey: 'retry-key-0123456789' });
    const first = await receiptOf(await submit(body));
    const again = await submit(body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await receiptOf(again)).toEqual(first);
    const rows = await database.client.execute({
      sql: 'SELECT count(*) AS n FROM feedback_items WHERE idempotency_key = ?',
      args: ['retry-key-0123456789'],
    });
    expect(rows.rows[0]!.n).toBe(1);
  });

  test('50 concurrent retries with one key: one item, one code for all', async () => {
    const body = generalItem({ idempotencyKey: 'concurrent-retry-key-01' });
    const all = await Promise.all(Array.from({ length: 50 }, () => submit(body)));
    expect(all.map((r) => r.status)).toEqual(Array(50).fill(201));
    const codes = new Set(await Promise.all(all.map(async (r) => (await receiptOf(r)).trackingCode)));
    expect(codes.size).toBe(1);
    const rows = await database.client.execute({
      sql: 'SELECT count(*) AS n FROM feedback_items WHERE idempotency_key = ?',
      args: ['concurrent-retry-key-01'],
    });
    expect(rows.rows[0]!.n).toBe(1);
  });

  test('409 idempotency_conflict: the same key with another body', async () => {
    await submit(generalItem({ idempotencyKey: 'conflict-key-0123456' }));
    const res = await submit(generalItem({ idempotencyKey: 'conflict-key-0123456', body: '完全不同的另一条意见内容' }));
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('idempotency_conflict');
  });

  test.each([
    ['malformed JSON', '{"kind":', 400, 'malformed_json'],
    ['NUL in the body text', generalItem({ body: 'abc\u0000defgh' }), 400, 'invalid_text'],
    ['a lone surrogate', generalItem({ body: 'abcde\ud800' }), 400, 'invalid_text'],
    ['a control character in a key', { ...generalItem(), 'k\u0001': 1 }, 400, 'invalid_text'],
    ['no body', '', 422, 'invalid'],
    ['body too short', generalItem({ body: 'abc' }), 422, 'invalid'],
    ['body one over the limit', generalItem({ body: 'x'.repeat(BODY_MAX + 1) }), 422, 'invalid'],
    ['unknown unit', generalItem({ unitId: 'no-such-unit' }), 422, 'invalid'],
    ['a bad phone', generalItem({ contactPhone: '110' }), 422, 'invalid'],
    ['honeypot filled', generalItem({ website: 'http://spam.example' }), 422, 'invalid'],
    ['an extra field (mass assignment)', generalItem({ state: 'closed' }), 422, 'invalid'],
    ['a meal dated tomorrow', mealItem({ meal: { ...mealItem().meal, date: '2026-03-02' } }), 422, 'invalid'],
    ['a rating as a number string', mealItem({ meal: { ...mealItem().meal, taste: '5' } }), 422, 'invalid'],
  ])('%s → %i %s', async (_l, body, status, code) => {
    const res = await submit(body);
    expect(res.status).toBe(status);
    const err = await errorOf(res);
    expect(err.code).toBe(code);
    if (status === 422 && body !== '') expect(Object.keys(err.fields ?? {}).length).toBeGreaterThan(0);
  });

  test('BODY_MAX is accepted', async () => {
    expect((await submit(generalItem({ body: '长'.repeat(BODY_MAX) }))).status).toBe(201);
  });

  test('415 for a form body and 413 for a huge one', async () => {
    const form = await api().request('/api/feedback', {
      method: 'POST',
      body: 'kind=complaint',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const big = await submit(generalItem({ body: 'x'.repeat(70_000) }));
    expect(big.status).toBe(413);
  });

  test('invalid UTF-8 → 400 invalid_utf8', async () => {
    const res = await api().request('/api/feedback', {
      method: 'POST',
      body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_utf8');
  });

  test('429 with Retry-After once an IP spends its no-proof-of-work allowance; other IPs are unaffected', async () => {
    const limited = testApi(database, {
      channel: testChannel(database, { limits: { ...NO_LIMITS, feedbackNoPowPerIp: { limit: 2, windowS: 3600 } } }),
    });
    const ip = { [TEST_IP_HEADER]: '198.51.100.7' };
    expect((await submit(generalItem(), ip, limited)).status).toBe(201);
    expect((await submit(generalItem(), ip, limited)).status).toBe(201);
    const third = await submit(generalItem(), ip, limited);
    expect(third.status).toBe(429);
    expect((await errorOf(third)).code).toBe('rate_limited');
    // The fixed test clock is 08:00:00, the start of a one-hour window.
    expect(third.headers.get('retry-after')).toBe('3600');
    expect((await submit(generalItem(), { [TEST_IP_HEADER]: '198.51.100.8' }, limited)).status).toBe(201);
    // The rejected submission stored nothing.
    const n = await database.client.execute('SELECT count(*) AS n FROM rate_limits WHERE count > max_count');
    expect(n.rows[0]!.n).toBe(0);
  });

  test('with a solved proof-of-work the submission counts against the PoW allowance instead', async () => {
    const ch = testChannel(database, { limits: { ...NO_LIMITS, feedbackNoPowPerIp: { limit: 1, windowS: 3600 } } });
    const a = testApi(database, { channel: ch });
    const ip = { [TEST_IP_HEADER]: '198.51.100.20' };
    expect((await submit(generalItem(), ip, a)).status).toBe(201);
    expect((await submit(generalItem(), ip, a)).status).toBe(429);
    expect((await submit(generalItem({ altcha: await solved(a) }), ip, a)).status).toBe(201);
  });

  test('a proof-of-work is single use, and forged or expired ones are refused', async () => {
    const payload = await solved();
    expect((await submit(generalItem({ altcha: payload }))).status).toBe(201);
    const replay = await submit(generalItem({ altcha: payload }));
    expect(replay.status).toBe(422);
    expect((await errorOf(replay)).fields).toEqual({ altcha: ['feedback.altcha.used'] });

    const decoded = JSON.parse(Buffer.from(await solved(), 'base64').toString('utf8')) as {
      solution: { derivedKey: string };
    };
    decoded.solution.derivedKey = '00'.repeat(32);
    const forged = await submit(generalItem({ altcha: Buffer.from(JSON.stringify(decoded)).toString('base64') }));
    expect((await errorOf(forged)).fields).toEqual({ altcha: ['feedback.altcha.invalid'] });

    const old = await solved();
    const expired = await submit(
      generalItem({ altcha: old }),
      {},
      testApi(database, { now: addDays(TEST_NOW, 1), channel: later(1) }),
    );
    expect((await errorOf(expired)).fields).toEqual({ altcha: ['feedback.altcha.expired'] });

    expect((await errorOf(await submit(generalItem({ altcha: 'not base64 json' })))).fields).toEqual({
      altcha: ['feedback.altcha.invalid'],
    });
  });
});

describe('GET /api/feedback/{code}', () => {
  test('shows status, deadlines and the timeline; the code may be typed in any case, with spaces', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const typed = r.trackingCode.toLowerCase().replace(/-/g, ' ');
    const view = TrackingView.parse(await (await api().request(`/api/feedback/${encodeURIComponent(typed)}`)).json());
    expect(view).toMatchObject({ trackingCode: r.trackingCode, status: 'received', canRate: false, canReopen: false });
    expect(view.timeline.map((e) => e.action)).toEqual(['received']);
  });

  test('404 for unknown and malformed codes; 429 once an IP has missed too often', async () => {
    expect((await api().request('/api/feedback/AAAA-AAAA-AAAA')).status).toBe(404);
    expect((await api().request('/api/feedback/%3Cscript%3E')).status).toBe(404);
    const a = testApi(database, {
      channel: testChannel(database, { limits: { ...NO_LIMITS, lookupFailuresPerIp: { limit: 2, windowS: 3600 } } }),
    });
    const ip = { headers: { [TEST_IP_HEADER]: '198.51.100.30' } };
    expect((await a.request('/api/feedback/AAAA-AAAA-AAA1', ip)).status).toBe(404);
    expect((await a.request('/api/feedback/AAAA-AAAA-AAA2', ip)).status).toBe(404);
    const third = await a.request('/api/feedback/AAAA-AAAA-AAA3', ip);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('Civil Code art. 203: overdue from 00:00 Beijing after the due day (received 03-01, due 03-16)', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const statusAt = async (iso: string) => {
      const now = new Date(iso);
      const a = testApi(database, { now, channel: testChannel(database, { now: () => now }) });
      return TrackingView.parse(await (await a.request(`/api/feedback/${r.trackingCode}`)).json()).status;
    };
    expect(await statusAt('2026-03-16T23:59:00+08:00')).toBe('received');
    expect(await statusAt('2026-03-17T00:00:00+08:00')).toBe('overdue');
  });
});

describe('the lifecycle: staff operations, rating and reopening', () => {
  test('信访工作条例 art. 34 + Civil Code art. 203: an extension the day after the deadline is refused with deadline_passed, and the item stays overdue', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const id = await idOf(r.trackingCode);
    const at = (iso: string) => testChannel(database, { now: () => new Date(iso) });
    // Accepted 03-02 (Beijing): handling due 05-06 (60 days end on Labour Day, rolled over).
    expect((await runStaffCommand(at('2026-03-02T10:00:00+08:00'), id, { action: 'accept' }, 'staff')).ok).toBe(true);
    const late = withStatus(
      await runStaffCommand(
        at('2026-05-07T00:00:00+08:00'),
        id,
        { action: 'extend', days: 10, reason: '需要现场核查多个村民小组' },
        'staff',
      ),
    );
    expect(late).toMatchObject({
      ok: false,
      code: 'deadline_passed',
      status: 409,
      fields: { action: ['feedback.refusal.extensionDeadlinePassed'] },
    });
    const now = new Date('2026-05-07T00:00:00+08:00');
    const view = TrackingView.parse(
      await (
        await testApi(database, { now, channel: at(now.toISOString()) }).request(`/api/feedback/${r.trackingCode}`)
      ).json(),
    );
    expect(view).toMatchObject({ status: 'overdue', extension: null, deadlines: { handleBy: '2026-05-06' } });
  });

  test('accept → extend (reason public) → reply → rate → reopen → reply; every step is audited', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const id = await idOf(r.trackingCode);
    expect((await runStaffCommand(later(1), id, { action: 'accept' }, 'staff')).ok).toBe(true);
    expect(
      (
        await runStaffCommand(
          later(50),
          id,
          { action: 'extend', days: 30, reason: '需要现场核查多个村民小组' },
          'staff',
        )
      ).ok,
    ).toBe(true);
    expect(
      withStatus(
        await runStaffCommand(later(51), id, { action: 'extend', days: 5, reason: '再延期一次试试' }, 'staff'),
      ),
    ).toMatchObject({ ok: false, status: 409 });
    expect(
      (await runStaffCommand(later(80), id, { action: 'reply', body: '已核实并整改，公开栏每月更新' }, 'staff')).ok,
    ).toBe(true);

    const at81 = testApi(database, { now: addDays(TEST_NOW, 81), channel: later(81) });
    const view = TrackingView.parse(await (await at81.request(`/api/feedback/${r.trackingCode}`)).json());
    expect(view).toMatchObject({
      status: 'replied',
      canRate: true,
      canReopen: true,
      extension: { days: 30, reason: '需要现场核查多个村民小组' },
    });
    expect(view.timeline.map((e) => e.action)).toEqual(['received', 'accept', 'extend', 'reply']);
    expect(view.timeline[2]!.note).toBe('需要现场核查多个村民小组');
    // Accepted 03-02 (Beijing): 60 days end on 05-01, Labour Day, so on 05-06 (Civil Code art. 203);
    // the 30-day extension starts the day after and ends on 06-05.
    expect(view.deadlines).toMatchObject({ handleBy: '2026-06-05', provisional: false });

    const wrong = await jsonPost(at81, `/api/feedback/${r.trackingCode}/rating`, {
      secret: 'AAAAA-AAAAA',
      rating: 'satisfied',
    });
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).fields).toEqual({ secret: ['feedback.secret.wrong'] });

    const rated = await jsonPost(at81, `/api/feedback/${r.trackingCode}/rating`, {
      secret: r.secret.toLowerCase(),
      rating: 'notVerySatisfied',
    });
    expect(rated.status).toBe(200);
    expect(TrackingView.parse(await rated.json())).toMatchObject({ rating: 'notVerySatisfied', canRate: false });
    const twice = await jsonPost(at81, `/api/feedback/${r.trackingCode}/rating`, {
      secret: r.secret,
      rating: 'satisfied',
    });
    expect(twice.status).toBe(409);
    expect((await errorOf(twice)).fields).toEqual({ action: ['feedback.refusal.alreadyRated'] });

    const reopened = await jsonPost(at81, `/api/feedback/${r.trackingCode}/reopen`, {
      secret: r.secret,
      reason: '整改后公开栏仍然没有更新',
    });
    expect(reopened.status).toBe(200);
    expect(TrackingView.parse(await reopened.json())).toMatchObject({
      status: 'reopened',
      canReopen: false,
      rating: null,
    });
    const again = await jsonPost(at81, `/api/feedback/${r.trackingCode}/reopen`, {
      secret: r.secret,
      reason: '再次申请重新办理',
    });
    expect(again.status).toBe(409);

    const audit = await database.client.execute({
      sql: 'SELECT action, actor FROM audit_events WHERE subject_id = ? ORDER BY id',
      args: [id],
    });
    expect(audit.rows.map((x) => `${String(x.actor)}:${String(x.action)}`)).toEqual([
      'submitter:received',
      'staff:accept',
      'staff:extend',
      'staff:reply',
      'submitter:rate',
      'submitter:reopen',
    ]);
  });

  test('rating before any reply → 409; reopening after the 30-day window → 409', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const early = await jsonPost(api(), `/api/feedback/${r.trackingCode}/rating`, {
      secret: r.secret,
      rating: 'satisfied',
    });
    expect(early.status).toBe(409);
    expect((await errorOf(early)).fields).toEqual({ action: ['feedback.refusal.wrongState'] });
    const id = await idOf(r.trackingCode);
    await runStaffCommand(later(1), id, { action: 'accept' }, 'staff');
    await runStaffCommand(later(2), id, { action: 'reply', body: '答复内容答复内容' }, 'staff');
    const late = await jsonPost(
      testApi(database, { now: addDays(TEST_NOW, 33), channel: later(33) }),
      `/api/feedback/${r.trackingCode}/reopen`,
      { secret: r.secret, reason: '过了很久才想起来' },
    );
    expect(late.status).toBe(409);
    expect((await errorOf(late)).fields).toEqual({ action: ['feedback.refusal.reopenWindowPassed'] });
  });

  test.each([
    ['rating', { secret: 'x' }, 422],
    ['rating', { secret: 'AAAAA-AAAAA', rating: 'great' }, 422],
    ['reopen', { secret: 'AAAAA-AAAAA', reason: '短' }, 422],
    ['reopen', { secret: 'AAAAA-AAAAA', reason: '理由理由\u0000理由' }, 400],
  ])('POST …/%s with %j → %i', async (action, body, status) => {
    const r = await receiptOf(await submit(generalItem()));
    expect((await jsonPost(api(), `/api/feedback/${r.trackingCode}/${action}`, body)).status).toBe(status);
  });

  test('404 for rating an unknown code; wrong secrets count per (code, address) once checked: the guesser is blocked, the submitter is not', async () => {
    expect(
      (await jsonPost(api(), '/api/feedback/AAAA-BBBB-CCCC/rating', { secret: 'AAAAA-AAAAA', rating: 'satisfied' }))
        .status,
    ).toBe(404);
    const r = await receiptOf(await submit(generalItem()));
    const a = testApi(database, {
      channel: testChannel(database, {
        limits: { ...NO_LIMITS, secretFailuresPerCodeAndIp: { limit: 3, windowS: 3600 } },
      }),
    });
    const rate = (secret: string, ip: string) =>
      jsonPost(a, `/api/feedback/${r.trackingCode}/rating`, { secret, rating: 'satisfied' }, { [TEST_IP_HEADER]: ip });
    const guesser = '198.51.100.66';
    for (let i = 0; i < 3; i++) expect((await rate('AAAAA-AAAAA', guesser)).status).toBe(403);
    // From the guesser's address the next attempt is refused before the secret is looked at, right or wrong.
    const blocked = await rate('AAAAA-AAAAA', guesser);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('3600');
    expect((await rate(r.secret, guesser)).status).toBe(429);
    // The submitter elsewhere still gets the secret checked (nothing to rate yet: the state machine answers 409),
    // and right secrets never count: a dozen of them from one address are all checked.
    for (let i = 0; i < 12; i++) expect((await rate(r.secret, '198.51.100.77')).status).toBe(409);
  });

  test('a stale command loses: the version guard turns it into a conflict, with no audit row', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const id = await idOf(r.trackingCode);
    const [a, b] = await Promise.all([
      runStaffCommand(later(1), id, { action: 'accept' }, 'staff'),
      runStaffCommand(later(1), id, { action: 'accept' }, 'staff'),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const audit = await database.client.execute({
      sql: "SELECT count(*) AS n FROM audit_events WHERE subject_id = ? AND action = 'accept'",
      args: [id],
    });
    expect(audit.rows[0]!.n).toBe(1);
  });

  test('when the audit insert fails, the state change fails too', async () => {
    const r = await receiptOf(await submit(generalItem()));
    const id = await idOf(r.trackingCode);
    await database.client.execute(
      `CREATE TRIGGER audit_fails BEFORE INSERT ON audit_events WHEN NEW.subject_id = '${id}' BEGIN SELECT RAISE(ABORT, 'audit store down'); END`,
    );
    try {
      await expect(runStaffCommand(later(1), id, { action: 'accept' }, 'staff')).rejects.toThrow(/audit store down/);
      const row = await database.client.execute({
        sql: 'SELECT state, version FROM feedback_items WHERE id = ?',
        args: [id],
      });
      expect(row.rows[0]).toMatchObject({ state: 'received', version: 1 });
    } finally {
      await database.client.execute('DROP TRIGGER audit_fails');
    }
  });
});

describe('GET /api/feedback?unitId=', () => {
  test('lists only published, consented items routed to the unit, with the on-time reply rate', async () => {
    const { database: db, dispose: done } = await freshDatabase();
    try {
      const a = testApi(db);
      const ch = (days: number) => testChannel(db, { now: () => addDays(TEST_NOW, days) });
      const consented = await receiptOf(await jsonPost(a, '/api/feedback', generalItem({ unitId: 'liuwan-village' })));
      const private_ = await receiptOf(
        await jsonPost(
          a,
          '/api/feedback',
          generalItem({ unitId: 'liuwan-village', publicConsent: false, body: '不希望公开的意见内容' }),
        ),
      );
      const id = (await findByTrackingCode(db, normaliseCode(consented.trackingCode, 12)!))!.record.id;
      const pid = (await findByTrackingCode(db, normaliseCode(private_.trackingCode, 12)!))!.record.id;
      await runStaffCommand(ch(1), id, { action: 'accept' }, 'staff');
      await runStaffCommand(ch(2), id, { action: 'reply', body: '已经更新公开栏' }, 'staff');
      expect((await runStaffCommand(ch(3), id, { action: 'publish' }, 'moderator')).ok).toBe(true);
      expect(await runStaffCommand(ch(3), pid, { action: 'publish' }, 'moderator')).toMatchObject({
        ok: false,
        fields: { action: ['feedback.refusal.noConsent'] },
      });

      const res = await a.request('/api/feedback?unitId=liuwan-village');
      expect(res.status).toBe(200);
      const body = z
        .strictObject({
          unitId: z.string(),
          items: z.array(PublicFeedback),
          onTimeReply: z.strictObject({ due: z.number(), onTime: z.number(), rate: z.number().nullable() }),
        })
        .parse(await res.json());
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({ kind: 'complaint', status: 'replied', reply: { body: '已经更新公开栏' } });
      expect(body.onTimeReply).toEqual({ due: 1, onTime: 1, rate: 1 });

      expect(
        (await runStaffCommand(ch(4), id, { action: 'hide', reason: '含有可识别个人的信息' }, 'moderator')).ok,
      ).toBe(true);
      expect(
        ((await (await a.request('/api/feedback?unitId=liuwan-village')).json()) as { items: unknown[] }).items,
      ).toHaveLength(0);
    } finally {
      done();
    }
  });

  test.each([
    ['/api/feedback', 422],
    ['/api/feedback?unitId=%3Cx%3E', 422],
    ['/api/feedback?unitId=a&extra=1', 422],
    ['/api/feedback?unitId=no-such-unit', 404],
  ])('%s → %i', async (path, status) => {
    const res = await api().request(path);
    expect(res.status).toBe(status);
    await errorOf(res);
  });
});

describe('contact retention', () => {
  test('purgeContacts deletes the phones of items closed before the cutoff, with an audit row, and leaves the rest', async () => {
    const { purgeContacts } = await import('../../src/db/feedback-repo.ts');
    const closedOne = await receiptOf(await submit(generalItem({ contactPhone: '13700000001' })));
    const openOne = await receiptOf(await submit(generalItem({ contactPhone: '13700000002' })));
    const id = await idOf(closedOne.trackingCode);
    await runStaffCommand(later(1), id, { action: 'accept' }, 'staff');
    await runStaffCommand(later(2), id, { action: 'reply', body: '已经处理完毕' }, 'staff');
    await runStaffCommand(later(3), id, { action: 'close' }, 'staff');
    expect(await purgeContacts(database, addDays(TEST_NOW, 3), addDays(TEST_NOW, 200))).toBe(0);
    expect(await purgeContacts(database, addDays(TEST_NOW, 4), addDays(TEST_NOW, 200))).toBe(1);
    expect(await findSealedContact(database, id)).toBeUndefined();
    expect(await findSealedContact(database, await idOf(openOne.trackingCode))).toMatch(/^v1\./);
    const audit = await database.client.execute({
      sql: "SELECT count(*) AS n FROM audit_events WHERE subject_id = ? AND action = 'contactPurged'",
      args: [id],
    });
    expect(audit.rows[0]!.n).toBe(1);
  });
});
