import { describe, expect, test } from 'vitest';
import { qrSvgPath } from '../../src/site/disclosures/qr.ts';
import { decodeQrPath } from '../support/qr-decode.ts';
import { allowsWasm, securityHeaders } from '../../src/api/security.ts';
import { explain, formatYuan } from '../../src/i18n/format.ts';
import { messages } from '../../src/i18n/zh-CN/index.ts';
import { checkKeys } from '../../src/domain/disclosures/common.ts';

describe('QR code', () => {
  test.each([
    'https://qinglian.example.org/disclosures/canteen-accounts/xixi-central-primary-2026-03/',
    'https://qinglian.example.org/disclosures/decisions/liuwan-village-fish-pond-lease/',
  ])('the SVG path decodes back to %s', (url) => {
    const { size, path } = qrSvgPath(url);
    expect(size).toBeGreaterThan(21 + 8 - 1);
    expect(decodeQrPath(size, path)).toBe(url);
  });

  test('a path with a module missing no longer decodes to the same text', () => {
    const url = 'https://qinglian.example.org/x/';
    const { size, path } = qrSvgPath(url);
    const broken = path.replace(/M(\d+) (\d+)h(\d+)v1h-\d+z/g, (run, _x, y, w) =>
      Number(y) > 6 && Number(y) < size - 10 && Number(w) > 2 ? '' : run,
    );
    expect(decodeQrPath(size, broken)).not.toBe(url);
  });
});

describe('explain', () => {
  test('fills placeholders, names stages and formats dates and yuan', () => {
    expect(
      explain('disclosures.reason.stageOutOfOrder', {
        stage: 'partyMeetingReview',
        previousStage: 'committeesDeliberation',
      }),
    ).toBe(
      `\u201c${messages['disclosures.stage.partyMeetingReview']}\u201d\u7684\u65e5\u671f\u65e9\u4e8e\u524d\u4e00\u73af\u8282\u201c${messages['disclosures.stage.committeesDeliberation']}\u201d\uff0c\u987a\u5e8f\u98a0\u5012\u3002`,
    );
    expect(explain('disclosures.reason.resultPosted', { date: '2026-04-03' })).toContain('2026');
    expect(explain('disclosures.reason.resultPosted', { date: '2026-04-03' })).not.toContain('2026-04-03');
    expect(explain('disclosures.reason.withinBudget', { award: '172800.00', budget: '180000.00' })).toContain(
      '172,800.00',
    );
  });

  test('unknown keys (zod messages) pass through unchanged', () => {
    expect(explain('Invalid input: expected number')).toBe('Invalid input: expected number');
  });

  test('every check has a label', () => {
    expect(checkKeys.filter((k) => !(`disclosures.check.${k}` in messages))).toEqual([]);
  });

  test('yuan formatting', () => {
    expect(formatYuan(123_450)).toBe('1,234.50');
    expect(formatYuan(-5)).toBe('-0.05');
  });
});

describe('the search page CSP', () => {
  test.each([
    ['/search/', true],
    ['/search/?q=x', true],
    ['/pagefind/pagefind-worker.js', true],
    ['/disclosures/', false],
    ['/searching/', false],
    ['/api/search', false],
  ])('%s may compile WebAssembly: %s', (url, allowed) => {
    expect(allowsWasm(url)).toBe(allowed);
  });

  test("only the search headers add 'wasm-unsafe-eval', and never 'unsafe-eval'", () => {
    const strict = securityHeaders({ https: false })['Content-Security-Policy']!;
    const search = securityHeaders({ https: false, wasm: true })['Content-Security-Policy']!;
    expect(strict).not.toContain('wasm');
    expect(search).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(search.replace("'wasm-unsafe-eval'", '')).not.toContain('unsafe-eval');
    expect(search.replace(" 'wasm-unsafe-eval'", '')).toBe(strict);
  });
});
