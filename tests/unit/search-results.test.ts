import { describe, expect, test } from 'vitest';
import { distinctResults, resultContext } from '../../src/site/disclosures/search-client.ts';
import { searchPages, searchRecord } from '../../src/build/search-pages.ts';

const r = (url: string, title: string, unit?: string, period?: string, kind = '三资公开') => ({
  url,
  excerpt: '',
  meta: { title, kind, ...(unit ? { unit } : {}), ...(period ? { period } : {}) },
});

describe('search results', () => {
  test('each says its kind, unit and period; repeats (same address, or same title + unit + period) are dropped', () => {
    const found = [
      r('/a/', '2026 年 3 月村级财务收支', '荷塘村', '2026-03'),
      r('/a/', '2026 年 3 月村级财务收支', '荷塘村', '2026-03'),
      r('/b/', '2026 年 3 月村级财务收支', '荷塘村', '2026-03'),
      r('/c/', '2026 年 3 月村级财务收支', '柳湾村', '2026-03'),
      r('/feedback/meal/', '家长陪餐记录', undefined, undefined, '表单'),
    ];
    const shown = distinctResults(found);
    expect(shown.map((f) => f.url)).toEqual(['/a/', '/c/', '/feedback/meal/']);
    expect(shown.map(resultContext)).toEqual(['三资公开 · 荷塘村 · 2026-03', '三资公开 · 柳湾村 · 2026-03', '表单']);
  });

  test('the 陪餐 form has a record whose words include 陪餐, titled and kinded for the result list', () => {
    const meal = searchPages.find((p) => p.url === '/feedback/meal/')!;
    const record = searchRecord(meal);
    expect(record.content).toContain('陪餐');
    expect(record.meta).toEqual({ title: '家长陪餐记录', kind: '表单' });
    // The search page asks for the site's own records by this filter first (search-client.ts SITE_FILTER).
    expect(record.filters).toEqual({ site: ['form'] });
    expect(new Set(searchPages.map((p) => p.url)).size).toBe(searchPages.length);
  });
});
