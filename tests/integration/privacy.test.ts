import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase } from '../support/db.ts';
import { seedDemoStaff } from '../../db/seed-staff.ts';
import { testApi } from '../support/api.ts';
import { testChannel, testServices } from '../support/channel.ts';
import { errorOf, generalItem, jsonPost, mealItem } from '../support/channel-fixtures.ts';
import { withStatus } from '../support/outcome.ts';
import { fakeAstro } from '../support/astro.ts';
import { PROBE_BODY, PROBE_IDENTIFIERS } from '../support/identifier-probe.ts';
import type { Database } from '../../src/db/client.ts';
import { FeedbackReceipt, PublicFeedback, TrackingView } from '../../src/domain/feedback/public.ts';
import { normaliseCode, TRACKING_CODE_LENGTH } from '../../src/domain/feedback/tracking.ts';
import { findIdentifiers, maskIdentifiers } from '../../src/domain/privacy/identifiers.ts';
import { runStaffCommand } from '../../src/services/feedback.ts';
import { findByTrackingCode } from '../../src/db/feedback-repo.ts';
import { listRedactions } from '../../src/db/staff-feedback-repo.ts';
import { listAccounts } from '../../src/db/staff-repo.ts';
import { loadItem, moderateItem } from '../../src/staff/feedback.ts';
import type { StaffSession } from '../../src/staff/auth.ts';
import { handleTrackPage } from '../../src/forms/track-form.ts';
import { setReceipt } from '../../src/forms/receipt.ts';

/*
 * Issue 13 through the real API and use cases: texts are masked wherever they are public, the full text
 * needs the query secret, a moderator cannot publish a text that still holds an identifier, duplicate
 * JSON names and bidi controls are refused.
 */
let database: Database;
let dispose: () => void;
let moderator: StaffSession;
beforeAll(async () => {
  const fresh = await freshDatabase();
  ({ database, dispose } = fresh);
  await seedDemoStaff(database, fresh.app.secrets, new Date('2026-01-01T00:00:00Z'));
  const account = (await listAccounts(database)).find((a) => a.username === 'demo.moderator')!;
  moderator = { key: 'test', csrfToken: 'test', account, expiresAt: new Date('2100-01-01') };
});
afterAll(() => dispose());

const api = () => testApi(database);
const staffCtx = () => testServices(database).staff;
const stored = PROBE_BODY.replace(/\u200b/g, '');
const leftovers = (text: string) => PROBE_IDENTIFIERS.filter((p) => text.replace(/[\s\u200b]/g, '').includes(p.digits));

async function submitProbe() {
  const res = await jsonPost(api(), '/api/feedback', generalItem({ body: PROBE_BODY }));
  expect(res.status).toBe(201);
  const receipt = FeedbackReceipt.parse(await res.json());
  const found = await findByTrackingCode(database, normaliseCode(receipt.trackingCode, TRACKING_CODE_LENGTH)!);
  return { receipt, id: found!.record.id };
}

describe('tracking by code alone shows the masked text; the secret shows it in full', () => {
  test('GET /api/feedback/{code}: every identifier masked, masked: true', async () => {
    const { receipt } = await submitProbe();
    const view = TrackingView.parse(await (await api().request(`/api/feedback/${receipt.trackingCode}`)).json());
    expect(view.masked).toBe(true);
    expect(findIdentifiers(view.content!.body!)).toEqual([]);
    expect(leftovers(view.content!.body!)).toEqual([]);
    expect(view.content!.body).toBe(maskIdentifiers(stored));
  });

  test('POST /api/feedback/{code}/full: 403 with a wrong secret, the stored text with the right one', async () => {
    const { receipt } = await submitProbe();
    const wrong = await jsonPost(api(), `/api/feedback/${receipt.trackingCode}/full`, { secret: 'AAAAA-AAAAA' });
    expect(wrong.status).toBe(403);
    expect((await errorOf(wrong)).fields).toEqual({ secret: ['feedback.secret.wrong'] });
    const res = await jsonPost(api(), `/api/feedback/${receipt.trackingCode}/full`, { secret: receipt.secret });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const view = TrackingView.parse(await res.json());
    expect(view.masked).toBe(false);
    // The zero-width space was removed on input; everything else is as written.
    expect(view.content!.body).toBe(stored);
  });

  test('the meal record: dishes and suggestion are masked by code alone', async () => {
    const res = await jsonPost(
      api(),
      '/api/feedback',
      mealItem({ meal: { ...mealItem().meal, dishes: '米饭，厨师电话13812345678' }, suggestion: '联系 138-1234-5678' }),
    );
    const receipt = FeedbackReceipt.parse(await res.json());
    const view = TrackingView.parse(await (await api().request(`/api/feedback/${receipt.trackingCode}`)).json());
    expect(view.content!.meal!.dishes).toBe('米饭，厨师电话***********');
    expect(view.content!.suggestion).toBe('联系 ***-****-****');
  });

  test('the tracking page: masked by code; full with the secret (no redirect) or the receipt; the receipt survives a reload', async () => {
    const { receipt } = await submitProbe();
    const path = `/feedback/track/${receipt.trackingCode}/`;
    const locals = { channel: testChannel(database) };
    const byCode = await handleTrackPage(fakeAstro({ url: path, locals }), receipt.trackingCode);
    if ('redirect' in byCode) throw new Error('redirected');
    expect(byCode.view!.masked).toBe(true);
    expect(byCode.receiptSecret).toBeNull();

    const viewed = await handleTrackPage(
      fakeAstro({ url: path, locals, form: { action: 'view', secret: receipt.secret } }),
      receipt.trackingCode,
    );
    if ('redirect' in viewed) throw new Error('redirected');
    expect([viewed.status, viewed.view!.masked, viewed.view!.content!.body]).toEqual([200, false, stored]);

    const refused = await handleTrackPage(
      fakeAstro({ url: path, locals, form: { action: 'view', secret: 'AAAAA-AAAAA' } }),
      receipt.trackingCode,
    );
    if ('redirect' in refused) throw new Error('redirected');
    expect([refused.status, refused.view!.masked, Object.keys(refused.errors)]).toEqual([403, true, ['view-secret']]);

    // The receipt cookie (set by the form's 303) is read, not consumed: a reload shows the secret again.
    const astro = fakeAstro({ url: path, locals });
    setReceipt(astro, locals.channel, receipt.trackingCode, receipt.secret);
    for (let reload = 0; reload < 2; reload += 1) {
      const page = await handleTrackPage(astro, receipt.trackingCode.toLowerCase());
      if ('redirect' in page) throw new Error('redirected');
      expect([page.receiptSecret, page.view!.masked]).toEqual([receipt.secret, false]);
    }
    const other = await submitProbe();
    const elsewhere = await handleTrackPage(astro, other.receipt.trackingCode);
    if ('redirect' in elsewhere) throw new Error('redirected');
    expect([elsewhere.receiptSecret, elsewhere.view!.masked]).toEqual([null, true]);
    expect(astro.cookies.has('ql_receipt')).toBe(true);
  });
});

describe('publishing is safe by construction', () => {
  test('publish is refused while a text holds an identifier; mask, then publish; the public text is masked', async () => {
    const { id } = await submitProbe();
    const refused = await runStaffCommand(testChannel(database), id, { action: 'publish' }, 'moderator');
    expect(withStatus(refused)).toMatchObject({
      ok: false,
      status: 409,
      code: 'conflict',
      fields: { action: ['feedback.refusal.identifiersFound'] },
    });

    const detail = await loadItem(staffCtx(), testChannel(database).rules, moderator, id);
    expect(detail!.stored!.body).toBe(stored);
    const masked = await moderateItem(staffCtx(), testChannel(database), moderator, id, { action: 'mask' });
    expect(masked).toEqual({ ok: true });
    expect(await moderateItem(staffCtx(), testChannel(database), moderator, id, { action: 'mask' })).toMatchObject({
      ok: false,
      fields: { action: ['staff.mask.nothing'] },
    });
    expect((await listRedactions(database, id)).map((r) => [r.field, r.original])).toEqual([['body', stored]]);

    expect((await runStaffCommand(testChannel(database), id, { action: 'publish' }, 'moderator')).ok).toBe(true);
    const list: unknown = await (await api().request('/api/feedback?unitId=hetang-village')).json();
    const items = (list as { items: unknown[] }).items.map((i) => PublicFeedback.parse(i));
    const mine = items.find((i) => i.body?.startsWith('村里低保名单公示有问题'));
    expect(mine!.body).toBe(maskIdentifiers(stored));
    for (const item of items) {
      expect(findIdentifiers(item.body ?? '')).toEqual([]);
      expect(leftovers(item.body ?? '')).toEqual([]);
    }
  });

  test('a text redacted after publication, identifiers put back, is still masked in public', async () => {
    const res = await jsonPost(api(), '/api/feedback', generalItem({ body: '公示栏三个月没有更新，镇里也不管。' }));
    const receipt = FeedbackReceipt.parse(await res.json());
    const { record } = (await findByTrackingCode(
      database,
      normaliseCode(receipt.trackingCode, TRACKING_CODE_LENGTH)!,
    ))!;
    expect((await runStaffCommand(testChannel(database), record.id, { action: 'publish' }, 'moderator')).ok).toBe(true);
    const redacted = await moderateItem(staffCtx(), testChannel(database), moderator, record.id, {
      action: 'redact',
      field: 'body',
      text: '公示栏三个月没有更新，请联系 139 8765 4321。',
    });
    expect(redacted).toEqual({ ok: true });
    const list = (await (await api().request('/api/feedback?unitId=hetang-village')).json()) as { items: unknown[] };
    const bodies = list.items.map((i) => PublicFeedback.parse(i).body);
    expect(bodies).toContain('公示栏三个月没有更新，请联系 *** **** ****。');
  });

  test('a meal record with a phone in the dishes is masked by the mask action (the dishes are kept for the admin)', async () => {
    const res = await jsonPost(
      api(),
      '/api/feedback',
      mealItem({ meal: { ...mealItem().meal, dishes: '米饭，厨师电话13812345678' } }),
    );
    const receipt = FeedbackReceipt.parse(await res.json());
    const { record } = (await findByTrackingCode(
      database,
      normaliseCode(receipt.trackingCode, TRACKING_CODE_LENGTH)!,
    ))!;
    expect((await runStaffCommand(testChannel(database), record.id, { action: 'publish' }, 'moderator')).ok).toBe(
      false,
    );
    expect(await moderateItem(staffCtx(), testChannel(database), moderator, record.id, { action: 'mask' })).toEqual({
      ok: true,
    });
    expect((await listRedactions(database, record.id)).map((r) => [r.field, r.original])).toEqual([
      ['dishes', '米饭，厨师电话13812345678'],
    ]);
    expect((await runStaffCommand(testChannel(database), record.id, { action: 'publish' }, 'moderator')).ok).toBe(true);
  });
});

describe('input: duplicate JSON names, bidi controls, invisible characters', () => {
  test('a duplicated member name answers 400 duplicate_key, naming the field', async () => {
    const body =
      '{"kind":"complaint","unitId":"hetang-village","body":"村务公开栏三个月没有更新了","kind":"misconductReport"}';
    const res = await jsonPost(api(), '/api/feedback', body);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'duplicate_key', fields: { kind: ['common.field.duplicate'] } });
    const nested = await jsonPost(
      api(),
      '/api/feedback',
      '{"kind":"accompaniedMeal","unitId":"x","meal":{"date":"2026-02-27","date":"2026-02-28"}}',
    );
    expect((await errorOf(nested)).fields).toEqual({ 'meal.date': ['common.field.duplicate'] });
  });

  test.each([
    ['right-to-left override', '\u202e'],
    ['first-strong isolate', '\u2068'],
    ['right-to-left mark', '\u200f'],
  ])('a %s in a text answers 400 invalid_text', async (_label, ch) => {
    const res = await jsonPost(api(), '/api/feedback', generalItem({ body: `村务公开${ch}栏没有更新` }));
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatchObject({ code: 'invalid_text', fields: { body: ['text.unsafe'] } });
  });

  test('zero-width characters are removed from stored texts', async () => {
    const res = await jsonPost(api(), '/api/feedback', generalItem({ body: '村务\u200b公开栏\u200d没有\ufeff更新' }));
    const receipt = FeedbackReceipt.parse(await res.json());
    const { record } = (await findByTrackingCode(
      database,
      normaliseCode(receipt.trackingCode, TRACKING_CODE_LENGTH)!,
    ))!;
    expect(record.body).toBe('村务公开栏没有更新');
  });
});
