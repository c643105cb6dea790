import { describe, expect, test } from 'vitest';
import { fieldId, formToInput, parseUrlEncoded } from '../../src/forms/read.ts';

describe('parseUrlEncoded (strict)', () => {
  test.each([
    [
      'a=1&b=%E9%9D%92+%E5%B2%9A',
      [
        ['a', '1'],
        ['b', '青 岚'],
      ],
    ],
    [
      'a=&b',
      [
        ['a', ''],
        ['b', ''],
      ],
    ],
    ['', []],
    ['a=%00', [['a', '\u0000']]],
  ])('%s', (body, entries) => expect(parseUrlEncoded(body)).toEqual(entries));
  test.each(['a=%ff', 'a=%E9%9D', 'a=%zz', 'a=%', '%ed%a0%80=1'])(
    'invalid UTF-8 or escapes make the body invalid: %s',
    (body) => {
      expect(parseUrlEncoded(body)).toBeNull();
    },
  );
});

describe('formToInput', () => {
  test('nests dotted names, drops empty values, first value wins, booleans from checkboxes', () => {
    expect(
      formToInput(
        [
          ['kind', 'accompaniedMeal'],
          ['meal.date', '2026-03-01'],
          ['meal.taste', 'good'],
          ['suggestion', ''],
          ['kind', 'complaint'],
          ['publicConsent', 'on'],
        ],
        ['publicConsent'],
      ),
    ).toEqual({ kind: 'accompaniedMeal', meal: { date: '2026-03-01', taste: 'good' }, publicConsent: true });
    expect(formToInput([], ['publicConsent'])).toEqual({ publicConsent: false });
  });
  test('conflicting names and prototype keys are dropped', () => {
    expect(
      formToInput([
        ['meal', 'x'],
        ['meal.date', 'y'],
        ['__proto__.polluted', '1'],
        ['a.constructor', '1'],
        ['.', '1'],
      ]),
    ).toEqual({ meal: 'x' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  test('field ids', () => expect(fieldId('meal.date')).toBe('f-meal-date'));
});
