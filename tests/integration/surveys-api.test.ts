import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { freshDatabase } from '../support/db.ts';
import { testApi, TEST_IP_HEADER } from '../support/api.ts';
import { NO_LIMITS, TEST_NOW, testChannel } from '../support/channel.ts';
import { errorOf, jsonPost } from '../support/channel-fixtures.ts';
import { RecordingSmsSender } from '../support/sms.ts';
import type { Database } from '../../src/db/client.ts';
import { insertSurvey, countResponses } from '../../src/db/surveys-repo.ts';
import { createInvitationBatch, invitationSheet } from '../../src/services/invitations.ts';
import { SurveyResults, SurveyView } from '../../src/domain/surveys/public.ts';
import { questionSets } from '../../src/domain/surveys/questions.ts';
import type { ChannelContext } from '../../src/services/context.ts';
import type { SmsSender } from '../../src/services/otp.ts';

let database: Database;
let dispose: () => void;
let ctx: ChannelContext;
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  ctx = testChannel(database);
  await insertSurvey(
    database,
    {
      id: 'school-2026',
      carrier: 'school',
      periodLabel: '2026 年上半年',
      opensOn: '2026-02-01',
      closesOn: '2026-06-30',
      questionIds: [...questionSets.school],
    },
    TEST_NOW,
  );
  await insertSurvey(
    database,
    {
      id: 'village-2025',
      carrier: 'village',
      periodLabel: '2025 年',
      opensOn: '2025-01-01',
      closesOn: '2025-12-31',
      questionIds: [...questionSets.village],
    },
    TEST_NOW,
  );
});
afterAll(() => dispose());

const answers = (a: string = 'satisfied') => Object.fromEntries(questionSets.school.map((q) => [q, a]));
const respond = (body: unknown, a = testApi(database), survey = 'school-2026', headers: Record<string, string> = {}) =>
  jsonPost(a, `/api/surveys/${survey}/responses`, body, headers);
const batch = (size: number, unitId = 'xixi-central-primary') =>
  createInvitationBatch(ctx, { surveyId: 'school-2026', unitId, size, label: '家长会' });

describe('GET /api/surveys', () => {
  test('lists surveys with whether they are open today', async () => {
    const res = await testApi(database).request('/api/surveys');
    const body = z.strictObject({ items: z.array(SurveyView) }).parse(await res.json());
    expect(body.items.map((s) => [s.id, s.open])).toEqual([
      ['school-2026', true],
      ['village-2025', false],
    ]);
  });
});

describe('invitation codes', () => {
  test('a batch has distinct 10-character codes and a printable sheet that reveals them only with its token', async () => {
    const b = await batch(20);
    expect(new Set(b.codes).size).toBe(20);
    for (const c of b.codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    const sheet = await invitationSheet(ctx, b.sheetToken.toLowerCase());
    expect(sheet?.codes.map((c) => c.code.replace('-', ''))).toEqual(b.codes);
    expect(sheet?.codes.every((c) => !c.used)).toBe(true);
    expect(await invitationSheet(ctx, 'AAAAAAAAAAAAAAAA')).toBeNull();
    const stored = await database.client.execute('SELECT code_hash, sealed FROM invitation_codes');
    expect(JSON.stringify(stored.rows)).not.toContain(b.codes[0]);
  });

  test('a code is used once: 201, then 409 already_used', async () => {
    const [code] = (await batch(1)).codes;
    const first = await respond({ invitationCode: code, relation: 'parent', answers: answers() });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ surveyId: 'school-2026', unitId: 'xixi-central-primary', counted: true });
    const again = await respond({ invitationCode: code, relation: 'parent', answers: answers('dissatisfied') });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({
      code: 'already_used',
      fields: { invitationCode: ['surveys.invitationCode.used'] },
    });
    const sheetUsed = await database.client.execute(
      'SELECT count(*) AS n FROM invitation_codes WHERE used_at IS NOT NULL',
    );
    expect(Number(sheetUsed.rows[0]!.n)).toBeGreaterThanOrEqual(1);
  });

  test('50 concurrent submissions with one code → exactly 1 stored response', async () => {
    const [code] = (await batch(1, 'nanhu-nine-year-school')).codes;
    const before = await countResponses(database, 'school-2026');
    const all = await Promise.all(
      Array.from({ length: 50 }, async (_, i) =>
        respond({ invitationCode: code, relation: 'parent', answers: answers(i % 2 ? 'satisfied' : 'unsure') }),
      ),
    );
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 201).every((s) => s === 409)).toBe(true);
    expect(await countResponses(database, 'school-2026')).toBe(before + 1);
  });

  test('the UNIQUE index, not the application, is what refuses a second response for one person', async () => {
    await expect(
      database.client.batch(
        [
          "INSERT INTO survey_responses (id, survey_id, unit_id, voter_key, via, relation, submitted_on) VALUES ('r1', 'school-2026', 'xixi-central-primary', 'same-person', 'otp', 'parent', '2026-03-01')",
          "INSERT INTO survey_responses (id, survey_id, unit_id, voter_key, via, relation, submitted_on) VALUES ('r2', 'school-2026', 'xixi-central-primary', 'same-person', 'otp', 'parent', '2026-03-01')",
        ],
        'write',
      ),
    ).rejects.toThrow(/UNIQUE constraint failed: survey_responses.survey_id, survey_responses.voter_key/);
  });

  test.each([
    [
      'a malformed code',
      { invitationCode: 'not-a-code', relation: 'parent', answers: answers() },
      422,
      { invitationCode: ['surveys.invitationCode.invalid'] },
    ],
    [
      'an unknown code',
      { invitationCode: 'AAAAA-AAAAA', relation: 'parent', answers: answers() },
      422,
      { invitationCode: ['surveys.invitationCode.unknown'] },
    ],
    [
      'a missing answer',
      { invitationCode: 'AAAAA-AAAAA', relation: 'parent', answers: { overall: 'satisfied' } },
      422,
      {
        'answers.canteen': ['surveys.answer.required'],
        'answers.schoolFees': ['surveys.answer.required'],
        'answers.openness': ['surveys.answer.required'],
      },
    ],
    [
      'no eligibility at all',
      { relation: 'parent', answers: answers() },
      422,
      { invitationCode: ['surveys.invitationCode.required'] },
    ],
    [
      'a control character',
      { invitationCode: 'AAAAA\u0007', relation: 'parent', answers: answers() },
      400,
      { invitationCode: ['text.unsafe'] },
    ],
  ])('%s → %i', async (_l, body, status, fields) => {
    const res = await respond(body);
    expect(res.status).toBe(status);
    expect((await errorOf(res)).fields).toEqual(fields);
  });

  test('a code of another survey (answered like an unknown code), a closed survey, an unknown survey', async () => {
    const [code] = (await batch(1)).codes;
    const unknown = await respond(
      {
        invitationCode: 'YYYYY-YYYYY',
        relation: 'villager',
        answers: Object.fromEntries(questionSets.village.map((q) => [q, 'satisfied'])),
      },
      testApi(database),
      'village-2025',
    );
    const other = await respond(
      {
        invitationCode: code,
        relation: 'villager',
        answers: Object.fromEntries(questionSets.village.map((q) => [q, 'satisfied'])),
      },
      testApi(database),
      'village-2025',
    );
    expect(other.status).toBe(unknown.status);
    const { requestId: _a, ...otherError } = await errorOf(other);
    const { requestId: _b, ...unknownError } = await errorOf(unknown);
    expect(otherError).toEqual(unknownError);
    expect(other.status).toBe(422);
    const after = testApi(database, {
      channel: testChannel(database, { now: () => new Date('2026-07-02T00:00:00Z') }),
    });
    const closed = await respond({ invitationCode: code, relation: 'parent', answers: answers() }, after);
    expect(closed.status).toBe(409);
    expect((await errorOf(closed)).fields).toEqual({ _: ['surveys.closed'] });
    expect(
      (await respond({ invitationCode: code, relation: 'parent', answers: answers() }, testApi(database), 'nope'))
        .status,
    ).toBe(404);
  });

  test('429 with Retry-After when one IP sends too many responses, and when one code is tried too often', async () => {
    const codes = (await batch(3)).codes;
    const limited = testApi(database, {
      channel: testChannel(database, { limits: { ...NO_LIMITS, responsesPerIp: { limit: 2, windowS: 3600 } } }),
    });
    const ip = { [TEST_IP_HEADER]: '192.0.2.50' };
    expect(
      (await respond({ invitationCode: codes[0], relation: 'parent', answers: answers() }, limited, 'school-2026', ip))
        .status,
    ).toBe(201);
    expect(
      (await respond({ invitationCode: codes[1], relation: 'parent', answers: answers() }, limited, 'school-2026', ip))
        .status,
    ).toBe(201);
    const third = await respond(
      { invitationCode: codes[2], relation: 'parent', answers: answers() },
      limited,
      'school-2026',
      ip,
    );
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('3600');

    const perCode = testApi(database, {
      channel: testChannel(database, { limits: { ...NO_LIMITS, attemptsPerInvitation: { limit: 2, windowS: 3600 } } }),
    });
    const body = { invitationCode: 'ZZZZZ-ZZZZZ', relation: 'parent', answers: answers() };
    expect((await respond(body, perCode)).status).toBe(422);
    expect((await respond(body, perCode)).status).toBe(422);
    expect((await respond(body, perCode)).status).toBe(429);
  });
});

describe('GET /api/surveys/{id}/results', () => {
  test('rates with Wilson intervals per unit; staff excluded; below 30 responses never ranked', async () => {
    const { database: db, dispose: done } = await freshDatabase();
    try {
      const c = testChannel(db);
      await insertSurvey(
        db,
        {
          id: 's',
          carrier: 'school',
          periodLabel: '2026',
          opensOn: '2026-01-01',
          closesOn: '2026-12-31',
          questionIds: ['overall', 'canteen'],
          publishedAt: TEST_NOW,
        },
        TEST_NOW,
      );
      const a = testApi(db, { channel: c });
      const big = await createInvitationBatch(c, {
        surveyId: 's',
        unitId: 'xixi-central-primary',
        size: 34,
        label: 'x',
      });
      const small = await createInvitationBatch(c, {
        surveyId: 's',
        unitId: 'nanhu-nine-year-school',
        size: 5,
        label: 'y',
      });
      const mix = ['satisfied', 'fairlySatisfied', 'notVerySatisfied', 'unsure'] as const;
      for (const [i, code] of big.codes.entries()) {
        const relation = i < 4 ? 'staff' : 'parent';
        const answer = i < 4 ? 'dissatisfied' : mix[i % 4]!;
        expect(
          (
            await jsonPost(a, '/api/surveys/s/responses', {
              invitationCode: code,
              relation,
              answers: { overall: answer, canteen: 'satisfied' },
            })
          ).status,
        ).toBe(201);
      }
      for (const code of small.codes)
        await jsonPost(a, '/api/surveys/s/responses', {
          invitationCode: code,
          relation: 'parent',
          answers: { overall: 'satisfied', canteen: 'satisfied' },
        });

      const res = SurveyResults.parse(await (await a.request('/api/surveys/s/results')).json());
      const xixi = res.units.find((u) => u.unitId === 'xixi-central-primary')!;
      // 30 parents (4 staff excluded), i = 4..33 cycling satisfied, fairly, notVery, unsure: 8 + 8 positive, 7 unsure.
      expect(xixi.headline).toMatchObject({ n: 30, positive: 16, nExcludingUnsure: 23, insufficient: false });
      expect(xixi.headline.rate).toBeCloseTo(16 / 30, 12);
      expect(xixi.headline.rateExcludingUnsure).toBeCloseTo(16 / 23, 12);
      expect(xixi.headline.interval!.low).toBeCloseTo(0.36142, 4);
      expect(xixi.headline.interval!.high).toBeCloseTo(0.69768, 4);
      // The only rankable school: fewer than two ranked units rank nobody (issue 14, "排名第1" needs two).
      expect(xixi.rank).toBeNull();
      expect(xixi.questions.map((q) => [q.questionId, q.result.n, q.result.positive])).toEqual([
        ['overall', 30, 16],
        ['canteen', 30, 30],
      ]);
      const nanhu = res.units.find((u) => u.unitId === 'nanhu-nine-year-school')!;
      expect(nanhu).toMatchObject({ rank: null, headline: { n: 5, rate: 1, insufficient: true } });
      const none = res.units.find((u) => u.unitId === 'qinglan-no1-middle-school')!;
      expect(none).toMatchObject({ rank: null, headline: { n: 0, rate: null, interval: null } });
      expect(res.carrierTotal.n).toBe(35);
      expect(JSON.stringify(res)).not.toMatch(/voter|relation|staff/);
    } finally {
      done();
    }
  });

  test('404 for an unknown survey', async () => {
    const res = await testApi(database).request('/api/surveys/nope/results');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
  });

  test('404 for a survey whose results are not published yet (issue 17), 200 once published', async () => {
    const res = await testApi(database).request('/api/surveys/school-2026/results');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    await database.client.execute({
      sql: "UPDATE surveys SET published_at = ? WHERE id = 'school-2026'",
      args: [TEST_NOW.getTime()],
    });
    expect((await testApi(database).request('/api/surveys/school-2026/results')).status).toBe(200);
    await database.client.execute("UPDATE surveys SET published_at = NULL WHERE id = 'school-2026'");
  });
});

describe('phone verification (pluggable SMS adapter, recording double)', () => {
  const withSms = (sms: SmsSender | null, limits = NO_LIMITS) =>
    testApi(database, { channel: testChannel(database, { sms, limits }) });
  const start = (a: ReturnType<typeof withSms>, phone: string, survey = 'school-2026') =>
    jsonPost(a, `/api/surveys/${survey}/otp`, { phone });

  test('start → the text carries a 6-digit code → respond once per phone; the raw phone is stored nowhere', async () => {
    const sms = new RecordingSmsSender();
    const a = withSms(sms);
    const res = await start(a, '139 0000 1111');
    expect(res.status).toBe(202);
    const { challengeId } = z
      .strictObject({ challengeId: z.uuid(), expiresAt: z.iso.datetime() })
      .parse(await res.json());
    const code = sms.lastCodeFor('13900001111')!;
    expect(code).toMatch(/^\d{6}$/);
    const ok = await respond(
      { otp: { challengeId, code }, unitId: 'qinglan-no1-middle-school', relation: 'parent', answers: answers() },
      a,
    );
    expect(ok.status).toBe(201);
    const reuse = await respond(
      { otp: { challengeId, code }, unitId: 'qinglan-no1-middle-school', relation: 'parent', answers: answers() },
      a,
    );
    expect(reuse.status).toBe(422);
    expect((await errorOf(reuse)).fields).toEqual({ otp: ['surveys.otp.expired'] });

    // The same phone, a new code: the person has already responded to this survey.
    const second = z.object({ challengeId: z.string() }).parse(await (await start(a, '13900001111')).json());
    const dup = await respond(
      {
        otp: { challengeId: second.challengeId, code: sms.lastCodeFor('13900001111') },
        unitId: 'xixi-central-primary',
        relation: 'parent',
        answers: answers(),
      },
      a,
    );
    expect(dup.status).toBe(409);
    expect((await errorOf(dup)).fields).toEqual({ otp: ['surveys.response.duplicate'] });

    const dump =
      JSON.stringify((await database.client.execute('SELECT * FROM otp_challenges')).rows) +
      JSON.stringify((await database.client.execute('SELECT * FROM survey_responses')).rows);
    expect(dump).not.toContain('13900001111');
    expect(dump).not.toContain(code);
  });

  test('wrong codes count; the fifth wrong try locks the challenge', async () => {
    const sms = new RecordingSmsSender();
    const a = withSms(sms);
    const { challengeId } = (await (await start(a, '13900002222')).json()) as { challengeId: string };
    const right = sms.lastCodeFor('13900002222')!;
    const wrong = right === '000000' ? '000001' : '000000';
    const body = (code: string) => ({
      otp: { challengeId, code },
      unitId: 'xixi-central-primary',
      relation: 'parent',
      answers: answers(),
    });
    for (let i = 0; i < 4; i++)
      expect((await errorOf(await respond(body(wrong), a))).fields).toEqual({ otp: ['surveys.otp.wrong'] });
    expect((await errorOf(await respond(body(wrong), a))).fields).toEqual({ otp: ['surveys.otp.locked'] });
    expect((await errorOf(await respond(body(right), a))).fields).toEqual({ otp: ['surveys.otp.locked'] });
  });

  test('an expired code is refused', async () => {
    const sms = new RecordingSmsSender();
    const { challengeId } = (await (await start(withSms(sms), '13900003333')).json()) as { challengeId: string };
    const later = testApi(database, {
      channel: testChannel(database, { sms, now: () => new Date(TEST_NOW.getTime() + 11 * 60_000) }),
    });
    const res = await respond(
      {
        otp: { challengeId, code: sms.lastCodeFor('13900003333') },
        unitId: 'xixi-central-primary',
        relation: 'parent',
        answers: answers(),
      },
      later,
    );
    expect((await errorOf(res)).fields).toEqual({ otp: ['surveys.otp.expired'] });
  });

  test('one text a minute per phone → 429 with Retry-After', async () => {
    const a = withSms(new RecordingSmsSender(), { ...NO_LIMITS, otpPerPhone: [{ limit: 1, windowS: 60 }] });
    expect((await start(a, '13900004444')).status).toBe(202);
    const again = await start(a, '13900004444');
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('60');
  });

  test.each([
    ['no SMS adapter configured', null, '13900005555', 'school-2026', 503],
    ['the provider rejects the number', 'fail', '13900006666', 'school-2026', 503],
    ['a bad phone', 'ok', '12345', 'school-2026', 422],
    ['a closed survey', 'ok', '13900007777', 'village-2025', 409],
    ['an unknown survey', 'ok', '13900007777', 'nope', 404],
  ])('%s → %i', async (_l, mode, phone, survey, status) => {
    const sms = mode === null ? null : new RecordingSmsSender();
    if (sms && mode === 'fail') sms.failFor.add(phone);
    const res = await start(withSms(sms), phone, survey);
    expect(res.status).toBe(status);
    await errorOf(res);
  });
});
