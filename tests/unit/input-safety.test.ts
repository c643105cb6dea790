import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { findDuplicateKey } from '../../src/api/duplicate-keys.ts';
import { isSafeText, plainText, stripInvisible } from '../../src/domain/text/safety.ts';

describe('findDuplicateKey', () => {
  test.each([
    ['{"a":1,"b":2}', null],
    ['{"kind":"complaint","body":"x","kind":"misconductReport"}', 'kind'],
    ['{"meal":{"date":"2026-03-01","date":"2026-03-02"}}', 'meal.date'],
    ['{"a":[{"b":1},{"b":2,"b":3}]}', 'a.1.b'],
    ['{"k\\u0069nd":1,"kind":2}', 'kind'],
    ['{"a":"{\\"a\\":1,\\"a\\":2}"}', null],
    ['{"a":{"x":1},"b":{"x":1}}', null],
    ['[{"a":1},{"a":1}]', null],
    ['{"":1,"":2}', ''],
    ['"just a string"', null],
    ['{"a\\"b":1,"a\\"b":2}', 'a"b'],
  ])('%s → %s', (json, path) => {
    JSON.parse(json);
    expect(findDuplicateKey(json)).toBe(path);
  });

  test('agrees with a counting parse on generated JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(findDuplicateKey(text)).toBeNull();
        if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
          const [k, v] = Object.entries(value)[0]!;
          const doubled = `${text.slice(0, -1)},${JSON.stringify(k)}:${JSON.stringify(v)}}`;
          expect(findDuplicateKey(doubled)).toBe(k);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('deep nesting does not overflow the stack', () => {
    const deep = `${'['.repeat(100_000)}{"a":1,"a":2}${']'.repeat(100_000)}`;
    expect(findDuplicateKey(deep)).toBe(`${Array.from({ length: 100_000 }, () => '0').join('.')}.a`);
  });
});

describe('text safety: bidi controls refused, invisible characters removed', () => {
  const body = plainText({ required: 'r', tooShort: 's', tooLong: 'l' }, 5, 50);

  test('zero-width and other invisible characters are removed before trimming and counting', () => {
    expect(body.parse('\u200b 138\u200b1234\u200c5678\ufeff\u00ad ')).toBe('13812345678');
    expect(body.safeParse('\u200b\u200b\u200b\u200b\u200babc').success).toBe(false);
    expect(stripInvisible('a\u2060b\u200dc')).toBe('abc');
  });

  test.each([
    ['\u202e', 'right-to-left override'],
    ['\u202a', 'left-to-right embedding'],
    ['\u2066', 'left-to-right isolate'],
    ['\u2069', 'pop directional isolate'],
    ['\u200f', 'right-to-left mark'],
    ['\u061c', 'Arabic letter mark'],
  ])('%s (%s) is refused', (ch) => {
    expect(isSafeText(`abc${ch}def`)).toBe(false);
    expect(body.safeParse(`abcdef${ch}`).success).toBe(false);
  });
});
