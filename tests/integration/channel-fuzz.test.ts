import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { freshDatabase } from '../support/db.ts';
import { testApi } from '../support/api.ts';
import { testChannel, TEST_NOW } from '../support/channel.ts';
import { ErrorBody, generalItem, jsonPost } from '../support/channel-fixtures.ts';
import type { Database } from '../../src/db/client.ts';
import { generalKinds, mealRatings, meals } from '../../src/domain/feedback/schema.ts';
import { FeedbackReceipt, TrackingView } from '../../src/domain/feedback/public.ts';
import { isSafeText } from '../../src/domain/text/safety.ts';
import { insertSurvey } from '../../src/db/surveys-repo.ts';
import { createInvitationBatch } from '../../src/services/invitations.ts';
import { questionSets } from '../../src/domain/surveys/questions.ts';
import { surveyAnswers, respondentRelations } from '../../src/domain/surveys/schema.ts';
import { runStaffCommand } from '../../src/services/feedback.ts';
import { findByTrackingCode } from '../../src/db/feedback-repo.ts';
import { RecordingSmsSender } from '../support/sms.ts';

/**
 * Property-based fuzzing of every feedback-channel endpoint (RELIABILITY.md §7): 1,000 cases per
 * endpoint, mixing a *valid* family (must be accepted) with *mutated* ones (must be 4xx), never a 5xx.
 * The seed is fixed and printed by fast-check on failure.
 */
const RUNS = 1000;
const SEED = 20260301;
const settings = { numRuns: RUNS, seed: SEED };

let database: Database;
let dispose: () => void;
let api: ReturnType<typeof testApi>;
let codes: string[] = [];
let repliedCode: { code: string; secret: string };
beforeAll(async () => {
  ({ database, dispose } = await freshDatabase());
  const ctx = testChannel(database, { sms: new RecordingSmsSender() });
  api = testApi(database, { channel: ctx });
  await insertSurvey(
    database,
    {
      id: 'school-fuzz',
      carrier: 'school',
      periodLabel: '2026',
      opensOn: '2026-01-01',
      closesOn: '2026-12-31',
      questionIds: [...questionSets.school],
      publishedAt: TEST_NOW,
    },
    TEST_NOW,
  );
  codes = (
    await createInvitationBatch(ctx, {
      surveyId: 'school-fuzz',
      unitId: 'xixi-central-primary',
      size: 400,
      label: 'fuzz',
    })
  ).codes;
  const r = FeedbackReceipt.parse(await (await jsonPost(api, '/api/feedback', generalItem())).json());
  const id = (await findByTrackingCode(database, r.trackingCode.replace(/-/g, '')))!.record.id;
  await runStaffCommand(ctx, id, { action: 'accept' }, 'staff');
  await runStaffCommand(ctx, id, { action: 'reply', body: '答复内容答复内容' }, 'staff');
  repliedCode = { code: r.trackingCode, secret: r.secret };
});
afterAll(() => dispose());

const units = ['hetang-village', 'liuwan-village', 'xixi-central-primary', 'qinglan-water', 'natural-resources-bureau'];
/** Text the schema must accept: safe, trimmed, within the limits. */
const safeText = (min: number, max: number) =>
  fc
    .string({
      unit: fc.constantFrom(...'青岚清廉意见abc 123，。!?😀\n\t<script>\'";--'.split(/(?=[\s\S])/u)),
      minLength: min,
      maxLength: max,
    })
    .map((s) => s.trim())
    .filter((s) => s.length >= min && s.length <= max && isSafeText(s));

const validGeneral = fc.record({
  kind: fc.constantFrom(...generalKinds),
  unitId: fc.constantFrom(...units),
  body: safeText(5, 300),
  publicConsent: fc.boolean(),
  contactPhone: fc.option(fc.constantFrom('13800138000', '+86 139 1234 5678'), { nil: undefined }),
});
const validMeal = fc.record({
  kind: fc.constant('accompaniedMeal' as const),
  unitId: fc.constantFrom('xixi-central-primary', 'nanhu-nine-year-school'),
  meal: fc.record({
    date: fc.constantFrom('2026-03-01', '2026-02-15', '2026-01-05'),
    meal: fc.constantFrom(...meals),
    dishes: safeText(1, 60),
    taste: fc.constantFrom(...mealRatings),
    quantity: fc.constantFrom(...mealRatings),
    hygiene: fc.constantFrom(...mealRatings),
    price: fc.constantFrom(...mealRatings),
  }),
  publicConsent: fc.boolean(),
});
/** A valid object with one field replaced by anything, or an extra key, or nonsense JSON. */
const mutated = (valid: fc.Arbitrary<Record<string, unknown>>) =>
  fc.oneof(
    fc
      .tuple(
        valid,
        fc.constantFrom(
          'kind',
          'unitId',
          'body',
          'meal',
          'publicConsent',
          'contactPhone',
          'idempotencyKey',
          'website',
          'altcha',
          'secret',
          'rating',
          'reason',
          'answers',
          'relation',
          'invitationCode',
          'otp',
          'phone',
        ),
        fc.anything(),
      )
      .map(([v, k, x]) => ({ ...v, [k]: x })),
    fc.tuple(valid, fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue()).map(([v, k, x]) => ({ ...v, [k]: x })),
    fc.jsonValue(),
    fc.constantFrom('__proto__', 'constructor').map((k) => JSON.parse(`{"${k}":{"polluted":1}}`) as unknown),
  );
const rawBody = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '{', '{"a":', '[]', 'null', '1e309', '"\\u0000"', '{"body":"\\ud800"}', '{"a":1,"a":2}'),
);

type Outcome = { status: number; body: string };
async function send(method: string, path: string, body?: unknown): Promise<Outcome> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await api.request(path, init);
  return { status: res.status, body: await res.text() };
}

/** No 5xx, every error has the one shape, and the run saw both accepted and refused inputs. */
function tally() {
  const seen = { ok: 0, refused: 0 };
  return {
    seen,
    check(o: Outcome) {
      expect(o.status, o.body).toBeLessThan(500);
      if (o.status >= 400) {
        ErrorBody.parse(JSON.parse(o.body));
        seen.refused += 1;
      } else seen.ok += 1;
    },
  };
}

describe(`fuzz: ${RUNS} cases per endpoint, 0 responses ≥ 500`, () => {
  test('POST /api/feedback (valid items are stored and read back byte-identical)', async () => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 2,
            arbitrary: fc.oneof(validGeneral, validMeal).map((v) => ({ valid: true as const, body: v })),
          },
          {
            weight: 2,
            arbitrary: mutated(fc.oneof(validGeneral, validMeal) as fc.Arbitrary<Record<string, unknown>>).map((b) => ({
              valid: false as const,
              body: b,
            })),
          },
          { weight: 1, arbitrary: rawBody.map((b) => ({ valid: false as const, body: b })) },
        ),
        async ({ valid, body }) => {
          const o = await send('POST', '/api/feedback', body);
          t.check(o);
          if (valid) {
            expect(o.status, o.body).toBe(201);
            const r = FeedbackReceipt.parse(JSON.parse(o.body));
            const view = TrackingView.parse(await (await api.request(`/api/feedback/${r.trackingCode}`)).json());
            const b = body as { kind: string; body?: string; meal?: { dishes: string } };
            if (b.kind === 'misconductReport') expect(view.content).toBeNull();
            else if (b.kind === 'accompaniedMeal') expect(view.content?.meal?.dishes).toBe(b.meal!.dishes);
            else expect(view.content?.body).toBe(b.body);
          }
        },
      ),
      settings,
    );
    expect(t.seen.ok).toBeGreaterThan(RUNS / 4);
    expect(t.seen.refused).toBeGreaterThan(RUNS / 4);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('GET /api/feedback/{code}', async () => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(repliedCode.code),
          fc.constant(repliedCode.code.toLowerCase()),
          fc.string({ maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 40 }),
        ),
        async (code) => {
          t.check(await send('GET', `/api/feedback/${encodeURIComponent(code)}`));
        },
      ),
      settings,
    );
    expect(t.seen.ok).toBeGreaterThan(0);
    expect(t.seen.refused).toBeGreaterThan(0);
  });

  test.each([
    // The real secret is known only after beforeAll, so it is read when the case is generated.
    [
      'rating',
      fc.record({
        secret: fc.oneof(
          fc.constant('AAAAA-AAAAA'),
          fc.constant(null).map(() => repliedCode.secret),
        ),
        rating: fc.constantFrom(...surveyAnswers),
      }),
    ],
    ['reopen', fc.record({ secret: fc.constantFrom('AAAAA-AAAAA'), reason: safeText(5, 100) })],
  ] as const)('POST /api/feedback/{code}/%s', async (action, valid) => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(repliedCode.code), fc.string({ maxLength: 20 })),
        fc.oneof(
          valid.map((v) => v as Record<string, unknown>),
          mutated(valid as fc.Arbitrary<Record<string, unknown>>),
          rawBody,
        ),
        async (code, body) => t.check(await send('POST', `/api/feedback/${encodeURIComponent(code)}/${action}`, body)),
      ),
      settings,
    );
    expect(t.seen.refused).toBeGreaterThan(0);
  });

  test('GET /api/feedback?unitId=…', async () => {
    const t = tally();
    const param = fc.oneof(
      fc.constantFrom(...units),
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('unitId', 'page', 'x', '__proto__'), param), { maxLength: 3 }),
        async (pairs) => {
          t.check(await send('GET', `/api/feedback?${new URLSearchParams(pairs).toString()}`));
        },
      ),
      settings,
    );
    expect(t.seen.ok).toBeGreaterThan(0);
    expect(t.seen.refused).toBeGreaterThan(0);
  });

  test.each(['/api/altcha/challenge', '/api/surveys', '/api/openapi.json'])(
    '%s (with any query and method)',
    async (path) => {
      const t = tally();
      await fc.assert(
        fc.asyncProperty(
          fc.constant(path),
          fc.constantFrom('GET', 'GET', 'POST', 'DELETE'),
          fc.string({ maxLength: 30 }),
          fc.option(rawBody, { nil: undefined }),
          async (path, method, q, body) =>
            t.check(await send(method, `${path}?${encodeURIComponent(q)}`, method === 'GET' ? undefined : body)),
        ),
        settings,
      );
      expect(t.seen.ok).toBeGreaterThan(0);
    },
  );

  test('GET /api/surveys/{id}/results', async () => {
    const t = tally();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant('school-fuzz'), fc.string({ maxLength: 30 })), async (id) =>
        t.check(await send('GET', `/api/surveys/${encodeURIComponent(id)}/results`)),
      ),
      settings,
    );
    expect(t.seen.ok).toBeGreaterThan(0);
    expect(t.seen.refused).toBeGreaterThan(0);
  });

  test('POST /api/surveys/{id}/responses (valid codes are used once)', async () => {
    const t = tally();
    let next = 0;
    const validResponse = fc.record({
      relation: fc.constantFrom(...respondentRelations),
      answers: fc.record(Object.fromEntries(questionSets.school.map((q) => [q, fc.constantFrom(...surveyAnswers)]))),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          validResponse.map((v) => ({ valid: true as const, body: v })),
          mutated(validResponse.map((v) => ({ ...v, invitationCode: 'AAAAA-AAAAA' }))).map((b) => ({
            valid: false as const,
            body: b,
          })),
          rawBody.map((b) => ({ valid: false as const, body: b })),
        ),
        async ({ valid, body }) => {
          const code = valid && next < codes.length ? codes[next++] : undefined;
          const payload = code ? { ...(body as object), invitationCode: code } : body;
          const o = await send('POST', '/api/surveys/school-fuzz/responses', payload);
          t.check(o);
          if (code) expect(o.status, o.body).toBe(201);
        },
      ),
      settings,
    );
    expect(t.seen.ok).toBeGreaterThan(100);
    expect(t.seen.refused).toBeGreaterThan(100);
  });

  test('POST /api/surveys/{id}/otp', async () => {
    const t = tally();
    const valid = fc.record({
      phone: fc.integer({ min: 0, max: 99_999_999 }).map((n) => `139${String(n).padStart(8, '0')}`),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant('school-fuzz'), fc.string({ maxLength: 10 })),
        fc.oneof(valid, mutated(valid as fc.Arbitrary<Record<string, unknown>>), rawBody),
        async (id, body) => t.check(await send('POST', `/api/surveys/${encodeURIComponent(id)}/otp`, body)),
      ),
      settings,
    );
    expect(t.seen.ok).toBeGreaterThan(0);
    expect(t.seen.refused).toBeGreaterThan(0);
  });
});
