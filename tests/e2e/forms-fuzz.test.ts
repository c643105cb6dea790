import { beforeAll, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Property-based fuzzing of the HTML form endpoints on the real server (the Astro pages, not the API):
 * 1,000 posts each, well-formed and malformed urlencoded bodies, odd content types and byte soup.
 * Every answer is < 500 and is an HTML page or a redirect.
 */
const RUNS = 1000;
let server: TestServer;
let trackingCode: string;
beforeAll(async () => {
  server = await startTestServer({ env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '1000000', SURVEY_LIMIT_PER_IP: '1000000' } });
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(async () => {
  const res = await fetch(`${server.url}/api/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'question', unitId: 'hetang-village', body: '请问公示栏在哪里？' }),
  });
  trackingCode = ((await res.json()) as { trackingCode: string }).trackingCode;
});

const names = [
  'kind',
  'unitId',
  'body',
  'contactPhone',
  'publicConsent',
  'idempotencyKey',
  'website',
  'altcha',
  'meal.date',
  'meal.meal',
  'meal.dishes',
  'meal.taste',
  'suggestion',
  'code',
  'action',
  'secret',
  'rating',
  'reason',
  'step',
  'invitationCode',
  'relation',
  'answers.overall',
  'token',
  '__proto__',
  'meal.__proto__.x',
  'a.b.c.d',
  '',
];
const values = fc.oneof(
  fc.constantFrom(
    'complaint',
    'accompaniedMeal',
    'hetang-village',
    'xixi-central-primary',
    'on',
    'lunch',
    'good',
    'satisfied',
    'parent',
    'answers',
    'rate',
    'reopen',
    '2026-01-01',
    '',
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
);
const wellFormed = fc
  .array(fc.tuple(fc.constantFrom(...names), values), { maxLength: 12 })
  .map((pairs) => new URLSearchParams(pairs).toString());
const malformed = fc.oneof(
  fc.constantFrom('%', '%zz', 'a=%ff%fe', 'a=%e4%b8', '&&&==&', 'body=%00', 'body=%ed%a0%80', '=x', 'kind'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1')),
);
const safeText = fc
  .string({
    unit: fc.constantFrom(...'青岚意见建议abc 123，。!?😀<>&"\''.split(/(?=[\s\S])/u)),
    minLength: 5,
    maxLength: 200,
  })
  .filter((t) => t.trim().length >= 5);
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
/** Submissions the form must accept (303 to the tracking page), per endpoint. */
const valid: Record<string, fc.Arbitrary<string> | undefined> = {
  '/feedback/': fc
    .record({
      kind: fc.constantFrom('suggestion', 'complaint', 'question', 'praise', 'misconductReport'),
      unitId: fc.constantFrom('hetang-village', 'qinglan-water'),
      body: safeText,
    })
    .map((r) => new URLSearchParams(r).toString()),
  '/feedback/meal/': fc
    .record({
      unitId: fc.constantFrom('xixi-central-primary', 'nanhu-nine-year-school'),
      'meal.meal': fc.constantFrom('breakfast', 'lunch', 'dinner'),
      'meal.dishes': safeText,
      'meal.taste': fc.constantFrom('good', 'fair', 'poor'),
    })
    .map((r) =>
      new URLSearchParams({
        ...r,
        'meal.date': today,
        'meal.quantity': 'good',
        'meal.hygiene': 'fair',
        'meal.price': 'poor',
      }).toString(),
    ),
  '/feedback/track/': fc.constant(null).map(() => `code=${encodeURIComponent(trackingCode.toLowerCase())}`),
};
const contentType = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json',
);

describe(`fuzz: ${RUNS} posts per form endpoint, 0 responses ≥ 500`, () => {
  test.each(['/feedback/', '/feedback/meal/', '/feedback/track/', 'TRACK', '/ratings/', '/surveys/sheet/'])(
    'POST %s',
    async (target) => {
      const path = target === 'TRACK' ? `/feedback/track/${trackingCode}/` : target;
      const seen = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { weight: 3, arbitrary: wellFormed },
            { weight: 1, arbitrary: malformed },
            ...(valid[target] ? [{ weight: 2, arbitrary: valid[target] }] : []),
          ),
          contentType,
          fc.boolean(),
          async (body, type, withOrigin) => {
            const res = await fetch(`${server.url}${path}`, {
              method: 'POST',
              body,
              redirect: 'manual',
              headers: {
                'content-type': type,
                ...(withOrigin || type.startsWith('application/x-www') ? { origin: server.url } : {}),
              },
            });
            const text = await res.text();
            seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
            expect(res.status, text.slice(0, 300)).toBeLessThan(500);
            if (res.status === 303)
              expect(res.headers.get('location')).toMatch(
                /^\/(feedback\/track\/[0-9A-Z-]+\/(#[a-z-]+)?|ratings\/thanks\/)$/,
              );
            else if (res.status !== 403) expect(text).toMatch(/<title>/);
          },
        ),
        { numRuns: RUNS, seed: 20260302 },
      );
      // The run saw refusals and, where a valid family exists, accepted posts (303) too.
      expect([...seen.keys()].some((s) => s >= 400)).toBe(true);
      if (valid[target]) expect(seen.get(303) ?? 0).toBeGreaterThan(RUNS / 10);
    },
  );
});
