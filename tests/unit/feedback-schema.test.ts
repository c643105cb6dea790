import { describe, expect, test } from 'vitest';
import {
  BODY_MAX,
  BODY_MIN,
  checkFeedbackAt,
  FeedbackSubmission,
  normalisePhone,
  routeOf,
} from '../../src/domain/feedback/schema.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import { findUnsafeText, isSafeText, MAX_DEPTH } from '../../src/domain/text/safety.ts';
import {
  CROCKFORD,
  encodeCrockford,
  formatCode,
  normaliseCode,
  TRACKING_CODE_LENGTH,
  bytesFor,
} from '../../src/domain/feedback/tracking.ts';
import { isMessageKey } from '../../src/i18n/t.ts';

const general = { kind: 'complaint', unitId: 'hetang-village', body: '窗口办事要跑两趟' };
const meal = {
  kind: 'accompaniedMeal',
  unitId: 'xixi-central-primary',
  meal: {
    date: '2026-02-27',
    meal: 'lunch',
    dishes: '番茄炒蛋',
    taste: 'good',
    quantity: 'fair',
    hygiene: 'good',
    price: 'poor',
  },
};

describe('FeedbackSubmission', () => {
  test.each([
    ['a general item', general],
    ['a 陪餐 record', meal],
    ['with phone +86 and spaces', { ...general, contactPhone: '+86 138 0013 8000' }],
    ['with every guard', { ...general, idempotencyKey: 'a'.repeat(16), website: '', altcha: 'x' }],
  ])('accepts %s', (_l, input) => {
    expect(FeedbackSubmission.safeParse(input).success).toBe(true);
  });

  test.each([
    ['body at BODY_MIN - 1', { ...general, body: 'a'.repeat(BODY_MIN - 1) }, 'body', 'feedback.body.tooShort'],
    ['body at BODY_MAX + 1', { ...general, body: '长'.repeat(BODY_MAX + 1) }, 'body', 'feedback.body.tooLong'],
    ['unknown kind', { ...general, kind: 'bribe' }, 'kind', 'feedback.kind.invalid'],
    ['bad phone', { ...general, contactPhone: '12345' }, 'contactPhone', 'feedback.contactPhone.invalid'],
    ['honeypot filled', { ...general, website: 'http://spam' }, 'website', 'feedback.honeypot.filled'],
    [
      'short idempotency key',
      { ...general, idempotencyKey: 'short' },
      'idempotencyKey',
      'feedback.idempotencyKey.invalid',
    ],
    [
      'meal rating outside the scale',
      { ...meal, meal: { ...meal.meal, taste: 5 } },
      'meal.taste',
      'feedback.meal.taste.invalid',
    ],
    [
      'meal date format',
      { ...meal, meal: { ...meal.meal, date: '2026/02/27' } },
      'meal.date',
      'feedback.meal.date.invalid',
    ],
    [
      'string "true" for a boolean',
      { ...general, publicConsent: 'true' },
      'publicConsent',
      'feedback.publicConsent.invalid',
    ],
    ['mass assignment of state', { ...general, state: 'closed' }, '', 'Unrecognized'],
  ])('rejects %s', (_l, input, path, message) => {
    const r = FeedbackSubmission.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === path);
    expect(issue?.message).toContain(message);
  });

  test('BODY_MAX is inclusive and counted in UTF-16 units like HTML maxlength', () => {
    expect(FeedbackSubmission.safeParse({ ...general, body: '长'.repeat(BODY_MAX) }).success).toBe(true);
    expect(FeedbackSubmission.safeParse({ ...general, body: '😀'.repeat(BODY_MAX / 2) }).success).toBe(true);
    expect(FeedbackSubmission.safeParse({ ...general, body: '😀'.repeat(BODY_MAX / 2 + 1) }).success).toBe(false);
  });

  test('every message a schema can produce is a message key', () => {
    const samples = [
      {},
      { kind: 'x' },
      { ...general, body: '' },
      { ...meal, meal: {} },
      { ...general, unitId: '' },
      { ...general, unitId: 'A B' },
    ];
    for (const s of samples) {
      const r = FeedbackSubmission.safeParse(s);
      for (const issue of r.error?.issues ?? [])
        if (issue.code !== 'unrecognized_keys') expect(isMessageKey(issue.message), issue.message).toBe(true);
    }
  });
});

describe('checkFeedbackAt (Beijing dates)', () => {
  const now = new Date('2026-02-28T17:00:00Z'); // 2026-03-01 01:00 in Beijing
  test.each([
    ['today in Beijing', '2026-03-01', {}],
    ['tomorrow', '2026-03-02', { 'meal.date': ['feedback.meal.date.future'] }],
    ['60 days back', '2025-12-31', {}],
    ['61 days back', '2025-12-30', { 'meal.date': ['feedback.meal.date.tooOld'] }],
    ['an impossible date', '2026-02-30', { 'meal.date': ['feedback.meal.date.invalid'] }],
  ])('%s', (_l, date, expected) => {
    const input = FeedbackSubmission.parse({ ...meal, meal: { ...meal.meal, date } });
    expect(checkFeedbackAt(input, now)).toEqual(expected);
  });
  test('beijingDate crosses midnight at 16:00 UTC', () => {
    expect(beijingDate(new Date('2026-02-28T15:59:59Z'))).toBe('2026-02-28');
    expect(beijingDate(new Date('2026-02-28T16:00:00Z'))).toBe('2026-03-01');
  });
});

describe('routing and phones', () => {
  test('only misconduct reports go to the commission', () => {
    expect(routeOf('misconductReport')).toBe('commission');
    expect(
      ['suggestion', 'complaint', 'question', 'praise', 'accompaniedMeal'].map((k) => routeOf(k as never)),
    ).toEqual(Array(5).fill('unit'));
  });
  test.each([
    ['+86 138-0013-8000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['138 0013 8000', '13800138000'],
  ])('normalisePhone(%s)', (raw, out) => expect(normalisePhone(raw)).toBe(out));
});

describe('unsafe text', () => {
  test.each([
    ['NUL', 'a\u0000b', false],
    ['vertical tab', 'a\u000bb', false],
    ['DEL', 'a\u007fb', false],
    ['C1 control', 'a\u0085b', false],
    ['lone high surrogate', 'a\ud800b', false],
    ['lone low surrogate at the end', 'ab\udc00', false],
    ['tab, LF, CR', 'a\tb\nc\rd', true],
    ['a surrogate pair (emoji)', 'a😀b', true],
    // Issue 13: bidi controls make staff read another text than the one stored, so they are refused.
    ['bidi override', 'a\u202eb', false],
    ['bidi isolate', 'a\u2067b\u2069', false],
    ['right-to-left mark', 'a\u200fb', false],
    ['zero-width space (removed by plainText, not refused)', 'a\u200bb', true],
    ['CJK', '青岚清廉', true],
  ])('%s → safe %s', (_l, s, safe) => expect(isSafeText(s)).toBe(safe));

  test('finds unsafe strings and keys anywhere, without recursion limits', () => {
    expect(findUnsafeText({ a: ['ok', { b: 'x\u0000' }], ['k\ud800']: 1 })).toEqual(
      expect.arrayContaining(['a.1.b', '_']),
    );
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeText(deep)).toEqual(['0'.repeat(MAX_DEPTH).split('').join('.')]);
    expect(findUnsafeText({ fine: ['a', 1, null, true] })).toEqual([]);
  });
});

describe('tracking codes', () => {
  test('Crockford base32 with no I, L, O, U', () => {
    expect(CROCKFORD).toHaveLength(32);
    expect(CROCKFORD).not.toMatch(/[ILOU]/);
    const code = encodeCrockford(new Uint8Array(bytesFor(TRACKING_CODE_LENGTH)).fill(255), TRACKING_CODE_LENGTH);
    expect(code).toBe('ZZZZZZZZZZZZ');
    expect(encodeCrockford(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0]), 12)).toBe('000000000000');
  });
  test('bits map exactly: 0x84 0x21 → 10000 10000 100001…', () => {
    expect(encodeCrockford(new Uint8Array([0b10000100, 0b00100001, 0, 0, 0]), 3)).toBe('GGG');
  });
  test.each([
    ['abcd-efgh-jkmn', 'ABCDEFGHJKMN'],
    ['ABCD EFGH JKMN', 'ABCDEFGHJKMN'],
    ['oOiI-lL00-1111', '001111001111'],
    ['ABCD-EFGH-JKMU', null],
    ['ABCD-EFGH-JKM', null],
    ['x'.repeat(1000), null],
  ])('normaliseCode(%s)', (input, out) => expect(normaliseCode(input, 12)).toBe(out));
  test('formatCode groups by 4 or 5', () => {
    expect(formatCode('ABCDEFGHJKMN')).toBe('ABCD-EFGH-JKMN');
    expect(formatCode('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
  });
});
