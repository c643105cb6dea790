import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => browser?.close());

describe('the test browser (tests/support/chromium.ts)', () => {
  test('draws Chinese glyphs, not boxes, whether or not the system has a CJK font', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    try {
      // Each character drawn alone on a canvas; without a CJK font every one is the same empty box.
      const drawn = await page.evaluate(
        (chars) => {
          const canvas = document.createElement('canvas');
          canvas.width = canvas.height = 64;
          const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
          return chars.map((c) => {
            ctx.clearRect(0, 0, 64, 64);
            ctx.font = '48px sans-serif';
            ctx.fillText(c, 8, 52);
            const alpha = ctx.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3);
            return { ink: alpha.filter((a) => a > 0).length, key: Array.from(alpha).join(',') };
          });
        },
        ['清', '廉', '监', '督'],
      );
      for (const d of drawn) expect(d.ink).toBeGreaterThan(50);
      expect(new Set(drawn.map((d) => d.key)).size).toBe(drawn.length);
    } finally {
      await page.close();
    }
  });
});
