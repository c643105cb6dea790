import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { axeViolations, axeViolationsAsServed, formatViolations, launchBrowser, watchPage } from '../support/browser.ts';
import { beijingDate } from '../../src/domain/feedback/schema.ts';

/**
 * Scoring pages on the real server with the demo city (DEMO=true seeds marks, vetoes and grades): scorecards
 * show vetoes before points, every lost point with its rule and evidence, the chart drawn from the table under
 * the real CSP, 样本不足 units outside rankings, JSON + CSV, and the consultation form without JavaScript.
 */
let server: TestServer;
let browser: Browser;
const YEAR = Number(beijingDate(new Date()).slice(0, 4));

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
});

async function noJsPage(): Promise<Page> {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
  return context.newPage();
}
async function expectAccessible(page: Page) {
  const violations = await axeViolationsAsServed(browser, page);
  expect(violations, `${page.url()}\n${formatViolations(violations)}`).toEqual([]);
}

interface PublicCard {
  unitId: string;
  grade: string;
  rank: number | null;
  unranked: string | null;
  vetoes: { key: string }[];
  indicators: { key: string; points: number | null; max: number; status: string; measured: { source?: string } | null }[];
}

describe('scoring pages', () => {
  test('year page: pass rates, and units with a small satisfaction sample are never ranked', async () => {
    const res = await fetch(`${server.url}/scoring/${YEAR}/scorecards.json`);
    expect(res.status).toBe(200);
    const data = (await res.json()) as { scorecards: PublicCard[]; passRates: { carrier: string; assessed: number }[] };
    expect(new Set(data.scorecards.map((c) => c.grade))).toEqual(new Set(['model', 'pass', 'fail', 'pending']));
    for (const c of data.scorecards) {
      const small = c.indicators.some((i) => i.measured?.source === 'satisfaction' && i.status !== 'scored');
      if (small) expect([c.rank, c.unranked], c.unitId).toEqual([null, c.vetoes.length ? 'veto' : c.indicators.some((i) => i.points === null) ? 'incomplete' : 'insufficientSample']);
    }
    // Demo names hold no commas or quotes, so splitting lines is enough to read this CSV.
    const [header, ...lines] = (await (await fetch(`${server.url}/scoring/${YEAR}/scorecards.csv`)).text()).trim().split('\n').map((l) => l.split(','));
    expect(header).toContain('C6');
    expect(lines.map((l) => l[0]).sort()).toEqual(data.scorecards.map((c) => c.unitId).sort());

    const page = await noJsPage();
    await page.goto(`${server.url}/scoring/${YEAR}/`);
    expect(await page.locator('h1').textContent()).toContain(String(YEAR));
    expect(await page.locator('main').textContent()).toContain('满意度样本不足，不排名');
    await expectAccessible(page);
    await page.context().close();
  });

  test('a vetoed unit: the veto comes first, the history keeps the earlier grade', async () => {
    const page = await noJsPage();
    const res = await page.goto(`${server.url}/scoring/${YEAR}/qinglan-peoples-hospital/`);
    expect(res?.status()).toBe(200);
    const headings = await page.locator('main h2').allTextContents();
    expect(headings[0]).toBe('一票否决事项');
    expect(headings.indexOf('一票否决事项')).toBeLessThan(headings.indexOf('逐项得分'));
    expect(await page.locator('#vetoes + ul li').first().textContent()).toContain('查实收受红包、回扣');
    const history = await page.locator('#history ~ .table-wrap tbody tr').allTextContents();
    expect(history.map((r) => (r.includes('达标') && !r.includes('不达标') ? 'pass' : r.includes('不达标') ? 'fail' : '?'))).toEqual(['pass', 'fail']);
    await expectAccessible(page);
    await page.context().close();
  });

  test('every lost point on a scorecard names its rule and its evidence; the chart is drawn from the table under the CSP', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${server.url}/scoring/${YEAR}/natural-resources-bureau/`);
    await page.waitForFunction(() => !document.querySelector('[data-score-chart]')?.hasAttribute('hidden'));
    // Chart.js drew on the canvas (it sets the canvas size when it renders).
    expect(await page.locator('[data-score-chart] canvas').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0)).toBe(true);
    const rows = page.locator('#indicator-table tbody tr');
    const n = await rows.count();
    expect(n).toBe(13);
    let lost = 0;
    for (let i = 0; i < n; i++) {
      const cells = await rows.nth(i).locator('td, th').allTextContents();
      const [points, max] = cells[2]!.split('/').map((x) => Number.parseFloat(x));
      expect(cells[4]!.trim().length, cells.join(' | ')).toBeGreaterThan(5);
      if (points! < max!) {
        lost += 1;
        expect(cells[5]!.trim().length, `lost points without evidence: ${cells.join(' | ')}`).toBeGreaterThan(0);
      }
    }
    expect(lost).toBeGreaterThan(3);
    expect(await axeViolations(page)).toEqual([]);
    expect(await problems.list()).toEqual([]);
    await context.close();
  });

  test('a scorecard as JSON is the public allow-list (no evaluator identity)', async () => {
    const res = await fetch(`${server.url}/scoring/${YEAR}/nanhu-nine-year-school.json`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain('evaluator');
    const card = JSON.parse(body) as PublicCard & { history: unknown[] };
    expect(card.grade).toBe('model');
    expect(card.indicators).toHaveLength(14);
    expect((await fetch(`${server.url}/scoring/${YEAR}/nope.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/scoring/1999/`)).status).toBe(404);
  });

  test('standards pages list all 41 indicators', async () => {
    const page = await noJsPage();
    await page.goto(`${server.url}/scoring/standards/${YEAR}/`);
    expect(await page.locator('tbody tr').count()).toBe(41);
    await expectAccessible(page);
    await page.goto(`${server.url}/scoring/`);
    await expectAccessible(page);
    await page.context().close();
  });
});

describe('consultation on the draft standard, JavaScript disabled', () => {
  test('comment on an indicator: errors are shown with the text kept; after posting, the public count goes up, the text is not shown', async () => {
    const page = await noJsPage();
    await page.goto(`${server.url}/scoring/consultation/`);
    await expectAccessible(page);
    const countCell = async () => (await page.locator('#indicator-C6 td').last().textContent()) ?? '';
    expect(await countCell()).toContain('已收到 0 条意见');
    await page.click('#indicator-C6 a');
    await page.waitForURL(/\/scoring\/consultation\/C6\/$/);
    await page.fill('#f-body', '短');
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    expect(await page.locator('#f-body').inputValue()).toBe('短');
    await expectAccessible(page);
    const comment = '建议满意率增设的 85% 档分值再低一些（测试意见）';
    await page.fill('#f-body', comment);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/scoring\/consultation\/thanks\/\?key=C6$/);
    await expectAccessible(page);
    await page.goto(`${server.url}/scoring/consultation/`);
    expect(await countCell()).toContain('已收到 1 条意见');
    expect(await page.locator('main').textContent()).not.toContain(comment);
    expect((await fetch(`${server.url}/scoring/consultation/Z9/`)).status).toBe(404);
    await page.context().close();
  });
});
