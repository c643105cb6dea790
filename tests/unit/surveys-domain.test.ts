import { describe, expect, test } from 'vitest';
import { emptyCounts, MIN_SAMPLE, rankUnits, satisfaction, wilson } from '../../src/domain/surveys/results.ts';
import { checkAnswers, isSurveyOpen, SurveyDefinition, SurveyResponseInput } from '../../src/domain/surveys/schema.ts';
import { questionSets, HEADLINE_QUESTION, questionIds } from '../../src/domain/surveys/questions.ts';
import { unitCarriers } from '../../src/domain/units/schema.ts';
import { messages } from '../../src/i18n/zh-CN/index.ts';

describe('wilson', () => {
  test.each([
    [8, 10, 0.4902, 0.9433],
    [0, 10, 0, 0.2775],
    [10, 10, 0.7225, 1],
    [27, 30, 0.7438, 0.9654],
  ])('%i of %i → [%f, %f]', (x, n, low, high) => {
    const ci = wilson(x, n)!;
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });
  test('no responses, no interval', () => expect(wilson(0, 0)).toBeNull());
});

describe('satisfaction', () => {
  test('rate keeps unsure in the denominator; the second rate leaves it out (DOMAIN.md §5.1)', () => {
    const r = satisfaction({ satisfied: 20, fairlySatisfied: 10, notVerySatisfied: 4, dissatisfied: 2, unsure: 4 });
    expect(r.n).toBe(40);
    expect(r.positive).toBe(30);
    expect(r.rate).toBe(0.75);
    expect(r.nExcludingUnsure).toBe(36);
    expect(r.rateExcludingUnsure).toBeCloseTo(30 / 36, 12);
    expect(r.insufficient).toBe(false);
    expect(r.interval!.low).toBeLessThan(0.75);
    expect(r.interval!.high).toBeGreaterThan(0.75);
  });
  test(`n = ${MIN_SAMPLE - 1} is insufficient, n = ${MIN_SAMPLE} is not`, () => {
    expect(satisfaction({ ...emptyCounts(), satisfied: MIN_SAMPLE - 1 }).insufficient).toBe(true);
    expect(satisfaction({ ...emptyCounts(), satisfied: MIN_SAMPLE }).insufficient).toBe(false);
  });
  test('all unsure: a rate with unsure, none without', () => {
    const r = satisfaction({ ...emptyCounts(), unsure: 5 });
    expect(r.rate).toBe(0);
    expect(r.rateExcludingUnsure).toBeNull();
    expect(r.intervalExcludingUnsure).toBeNull();
  });
});

describe('rankUnits', () => {
  const row = (unitId: string, positive: number, n: number) => ({
    unitId,
    result: satisfaction({ ...emptyCounts(), satisfied: positive, dissatisfied: n - positive }),
  });
  test('highest first, ties share a rank, small samples are never ranked and come last', () => {
    const ranked = rankUnits([row('a', 30, 40), row('b', 36, 40), row('c', 30, 40), row('d', 10, 10), row('e', 1, 40)]);
    expect(ranked.map((r) => [r.unitId, r.rank])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 2],
      ['e', 4],
      ['d', null],
    ]);
  });
});

describe('survey definitions and responses', () => {
  test('every carrier asks the headline question first, and every question has wording', () => {
    for (const c of unitCarriers) {
      expect(questionSets[c][0]).toBe(HEADLINE_QUESTION);
      expect(new Set(questionSets[c]).size).toBe(questionSets[c].length);
    }
    for (const q of questionIds) expect(Object.hasOwn(messages, `surveys.question.${q}`), q).toBe(true);
  });
  test.each([
    ['closes before it opens', { opensOn: '2026-03-01', closesOn: '2026-02-01' }, 'surveys.period.invalid'],
    ['headline not first', { questionIds: ['openness', 'overall'] }, 'surveys.questions.headlineFirst'],
    ['a question twice', { questionIds: ['overall', 'overall'] }, 'surveys.questions.duplicate'],
  ])('rejects a survey that %s', (_l, over, message) => {
    const r = SurveyDefinition.safeParse({
      id: 's',
      carrier: 'school',
      periodLabel: '2026 年',
      opensOn: '2026-01-01',
      closesOn: '2026-06-30',
      questionIds: ['overall'],
      ...over,
    });
    expect(r.error?.issues.map((i) => i.message)).toContain(message);
  });
  test('open from the first to the last day inclusive', () => {
    const s = { opensOn: '2026-01-01', closesOn: '2026-01-31' };
    expect([
      isSurveyOpen(s, '2025-12-31'),
      isSurveyOpen(s, '2026-01-01'),
      isSurveyOpen(s, '2026-01-31'),
      isSurveyOpen(s, '2026-02-01'),
    ]).toEqual([false, true, true, false]);
  });
  test.each([
    ['no eligibility', {}, 'invitationCode', 'surveys.invitationCode.required'],
    [
      'both code and phone',
      { invitationCode: 'X', otp: { challengeId: crypto.randomUUID(), code: '123456' }, unitId: 'a' },
      'otp',
      'surveys.eligibility.both',
    ],
    [
      'phone without a unit',
      { otp: { challengeId: crypto.randomUUID(), code: '123456' } },
      'unitId',
      'feedback.unitId.required',
    ],
    [
      'an answer off the scale',
      { invitationCode: 'X', answers: { overall: 'great' } },
      'answers.overall',
      'surveys.answer.required',
    ],
    ['no relation', { invitationCode: 'X', relation: undefined }, 'relation', 'surveys.relation.required'],
  ])('response: %s', (_l, over, path, message) => {
    const r = SurveyResponseInput.safeParse({ relation: 'parent', answers: { overall: 'satisfied' }, ...over });
    expect(r.error?.issues.find((i) => i.path.join('.') === path)?.message).toBe(message);
  });
  test('checkAnswers wants every question of the survey and nothing else', () => {
    expect(checkAnswers(['overall', 'canteen'], { overall: 'satisfied', openness: 'unsure' })).toEqual({
      'answers.canteen': ['surveys.answer.required'],
      'answers.openness': ['surveys.answer.unknown'],
    });
    expect(checkAnswers(['overall'], { overall: 'unsure' })).toEqual({});
  });
});
