import { describe, expect, test } from 'vitest';
import { isMessageKey, t } from '../../src/i18n/t.ts';
import { compareZh } from '../../src/i18n/format.ts';

describe('t', () => {
  test('fills placeholders', () => {
    expect(t('units.resultCount', { count: 9 })).toBe('共 9 个单位');
  });
  test('leaves an unknown placeholder visible instead of printing "undefined"', () => {
    expect(t('units.resultCount')).toBe('共 {count} 个单位');
  });
  test('isMessageKey knows real keys only', () => {
    expect(isMessageKey('nav.home')).toBe(true);
    expect(isMessageKey('toString')).toBe(false);
  });
  test('compareZh sorts by pinyin', () => {
    expect(['西溪', '北塘', '南湖'].toSorted(compareZh)).toEqual(['北塘', '南湖', '西溪']);
  });
});
