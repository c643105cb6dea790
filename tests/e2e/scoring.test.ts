import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  axeViolations,
  expectAccessibleAsServed,
  formatViolations,
  launchBrowser,
  noJsPage,
  watchPage,
} from '../support/browser.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import { signIn } from '../support/staff.ts';

/**
 * Scoring pages on the real server with the demo city (DEMO=true seeds marks, vetoes and grades): scorecards
 * show vetoes before points, every lost point with its rule and evidence, the chart drawn from the table under
 * the real CSP, 样本不足 units outside rankings, JSON + CSV, and the consultation form without JavaScript.
 */
let server: TestServer;
let browser: Browser;
const YEAR = Number(beijingDate(new Date()).slice(0, 4));

// Each hook returns its own teardown, so that a failed start stops only what did start.
beforeAll(async () => {
  server = await startTestServer();
  return async () => {
    await server.stop();
    server.cleanup();
  };
}, 120_000);
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
}, 120_000);

interface PublicCard {
  unitId: string;
  grade: string;
  gradeReason: string;
  complete: boolean;
  satisfaction: { x: number; n: number } | null;
  rank: number | null;
  unranked: string | null;
  vetoes: { key: string }[];
  indicators: {
    key: string;
    points: number | null;
    max: number;
    status: string;
    note?: string | null;
    measured: { source?: string } | null;
  }[];
}

describe('scoring pages', () => {
  test('year page: pass rates, and units with a small satisfaction sample are never ranked', async () => {
    const res = await fetch(`${server.url}/scoring/${YEAR}/scorecards.json`);
    expect(res.status).toBe(200);
    const data = (await res.json()) as { scorecards: PublicCard[]; passRates: { carrier: string; assessed: number }[] };
    expect(new Set(data.scorecards.map((c) => c.grade))).toEqual(new Set(['model', 'pass', 'fail', 'pending']));
    for (const c of data.scorecards) {
      const small = c.indicators.some((i) => i.measured?.source === 'satisfaction' && i.status !== 'scored');
      if (small)
        expect([c.rank, c.unranked], c.unitId).toEqual([
          null,
          c.vetoes.length ? 'veto' : c.indicators.some((i) => i.points === null) ? 'incomplete' : 'insufficientSample',
        ]);
    }
    // Demo names hold no commas or quotes, so splitting lines is enough to read this CSV.
    const [header, ...lines] = (await (await fetch(`${server.url}/scoring/${YEAR}/scorecards.csv`)).text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(header!.some((h) => h.startsWith('C6 '))).toBe(true);
    expect(lines.map((l) => l[0]).sort()).toEqual(data.scorecards.map((c) => c.unitId).sort());

    const page = await noJsPage(browser);
    await page.goto(`${server.url}/scoring/${YEAR}/`);
    expect(await page.locator('h1').textContent()).toContain(String(YEAR));
    expect(await page.locator('main').textContent()).toContain('满意度样本不足，不排名');
    await expectAccessibleAsServed(browser, page);
    await page.context().close();
  });

  test('DOMAIN.md §4.3 C6: a measured satisfaction below 90 % fails whatever the points; no rank below two ranked units; families as township aggregates', async () => {
    const data = (await (await fetch(`${server.url}/scoring/${YEAR}/scorecards.json`)).json()) as {
      scorecards: PublicCard[];
    };
    const below = data.scorecards.filter(
      (c) => c.satisfaction && c.satisfaction.x * 10 < c.satisfaction.n * 9 && c.vetoes.length === 0 && c.complete,
    );
    expect(below.length).toBeGreaterThan(0);
    for (const c of below)
      expect([c.grade, c.gradeReason], c.unitId).toEqual(['fail', 'scoring.gradeReason.belowSatisfaction']);
    const tooFew = data.scorecards.filter((c) => c.unranked === 'tooFew');
    expect(tooFew.length).toBeGreaterThan(0);
    for (const c of tooFew) expect(c.rank).toBeNull();

    const page = await noJsPage(browser);
    await page.goto(`${server.url}/scoring/${YEAR}/`);
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('同类参加排名的单位不足 2 个，不排名');
    expect(main).toContain('清廉家庭（按乡镇汇总）');
    expect(await page.locator('#families ~ p').first().textContent()).toContain('不逐户');
    expect(await page.locator('section[aria-labelledby="families"] tbody tr').count()).toBe(4);
    await page.goto(`${server.url}/scoring/${YEAR}/${below[0]!.unitId}/`);
    expect(await page.locator('main').textContent()).toContain('群众满意率低于达标要求，无论总分多少均不达标');
    await page.context().close();
  });

  test('a vetoed unit: the veto comes first, the history keeps the earlier grade', async () => {
    const page = await noJsPage(browser);
    const res = await page.goto(`${server.url}/scoring/${YEAR}/qinglan-peoples-hospital/`);
    expect(res?.status()).toBe(200);
    const headings = await page.locator('main h2').allTextContents();
    expect(headings[0]).toBe('一票否决事项');
    expect(headings.indexOf('一票否决事项')).toBeLessThan(headings.indexOf('逐项得分'));
    expect(await page.locator('#vetoes + ul li').first().textContent()).toContain('查实收受红包、回扣');
    const history = await page.locator('#history ~ .table-wrap tbody tr').allTextContents();
    expect(
      history.map((r) => (r.includes('达标') && !r.includes('不达标') ? 'pass' : r.includes('不达标') ? 'fail' : '?')),
    ).toEqual(['pass', 'fail']);
    await expectAccessibleAsServed(browser, page);
    await page.context().close();
  });

  test('every lost point on a scorecard names its rule and its evidence; the chart is drawn from the table under the CSP', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = await watchPage(page);
    await page.goto(`${server.url}/scoring/${YEAR}/natural-resources-bureau/`);
    await page.waitForFunction(() => !document.querySelector('[data-score-chart]')?.hasAttribute('hidden'));
    // Chart.js drew on the canvas (it sets the canvas size when it renders).
    expect(
      await page.locator('[data-score-chart] canvas').evaluate((c: HTMLCanvasElement) => c.width > 0 && c.height > 0),
    ).toBe(true);
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

  test('standards pages list all 43 indicators (the seven enterprise risk areas, four marked [R]) and the satisfaction pass line', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/scoring/standards/${YEAR}/`);
    expect(await page.locator('tbody tr').count()).toBe(43);
    expect(await page.locator('#carrier-enterprise ~ div tbody tr').count()).toBe(7);
    expect(await page.locator('#carrier-enterprise ~ div abbr').count()).toBe(4);
    expect(await page.locator('main').textContent()).toContain('低于 90.00% 的，无论总分多少均为不达标');
    await expectAccessibleAsServed(browser, page);
    await page.goto(`${server.url}/scoring/`);
    await expectAccessibleAsServed(browser, page);
    await page.context().close();
  });
});

describe('consultation on the draft standard, JavaScript disabled', () => {
  test('comment on an indicator: errors are shown with the text kept; after posting, the public count goes up, the text is not shown', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/scoring/consultation/`);
    await expectAccessibleAsServed(browser, page);
    const countCell = async () => (await page.locator('#indicator-C6 td').last().textContent()) ?? '';
    expect(await countCell()).toContain('已收到 0 条意见');
    await page.click('#indicator-C6 a');
    await page.waitForURL(/\/scoring\/consultation\/C6\/$/);
    await page.fill('#f-body', '短');
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    expect(await page.locator('#f-body').inputValue()).toBe('短');
    await expectAccessibleAsServed(browser, page);
    const comment = '建议满意率增设的 85% 档分值再低一些（测试意见）';
    await page.fill('#f-body', comment);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/scoring\/consultation\/thanks\/\?key=C6$/);
    await expectAccessibleAsServed(browser, page);
    await page.goto(`${server.url}/scoring/consultation/`);
    expect(await countCell()).toContain('已收到 1 条意见');
    expect(await page.locator('main').textContent()).not.toContain(comment);
    expect((await fetch(`${server.url}/scoring/consultation/Z9/`)).status).toBe(404);
    await page.context().close();
  });
});

describe('evaluator pages (staff foundation: session, role guard, CSRF)', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (path: string, cookie: string, body: string, origin = server.url) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  const unitPath = `/staff/evaluation/${YEAR}/qinglan-no1-middle-school/`;

  test('the matrix: evaluators only; no session → login; a responder → 403; comments for admin and evaluator', async () => {
    expect((await fetch(`${server.url}${unitPath}`, { redirect: 'manual' })).status).toBe(303);
    const responder = await signIn(server.url, 'demo.xixi');
    expect((await fetch(`${server.url}${unitPath}`, { headers: { cookie: responder.cookie } })).status).toBe(403);
    expect((await fetch(`${server.url}/staff/consultation/`, { headers: { cookie: responder.cookie } })).status).toBe(
      403,
    );
    const admin = await signIn(server.url, 'demo.admin');
    expect((await fetch(`${server.url}${unitPath}`, { headers: { cookie: admin.cookie } })).status).toBe(403);
    expect((await fetch(`${server.url}/staff/consultation/`, { headers: { cookie: admin.cookie } })).status).toBe(200);
  });

  test('portal figures pre-filled; marking the 样本不足 satisfaction completes the scorecard; bad input is a 422 without a write', async () => {
    const { cookie, csrf } = await signIn(server.url, 'demo.evaluator');
    const page = await (await fetch(`${server.url}${unitPath}`, { headers: { cookie } })).text();
    expect(page).toContain('本平台数据');
    expect(page).toContain('样本不足，待考评小组评分');
    const before = (await (
      await fetch(`${server.url}/scoring/${YEAR}/qinglan-no1-middle-school.json`)
    ).json()) as PublicCard;
    expect(before.grade).toBe('pending');

    // Without the CSRF token the middleware refuses the post before the page runs.
    expect(
      (
        await post(
          unitPath,
          cookie,
          form({ action: 'veto', vetoKey: 'foodSafety', occurredOn: `${YEAR}-01-05`, source: 'x 1' }),
        )
      ).status,
    ).toBe(403);
    // A veto without a source: 422, the field named, nothing written.
    const bad = await post(
      unitPath,
      cookie,
      form({ _csrf: csrf, action: 'veto', vetoKey: 'foodSafety', occurredOn: `${YEAR}-01-05`, source: '' }),
    );
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('请填写来源');
    // The marks form as the page renders it (stored marks kept), with the evaluator's points for C6 and C5.
    const fields: Record<string, string> = { _csrf: csrf, action: 'marks' };
    for (const m of page.matchAll(/<input[^>]*name="(m\.[^"]+)"[^>]*value="([^"]*)"/g))
      fields[m[1]!.replaceAll('&amp;', '&')] = m[2]!;
    for (const m of page.matchAll(
      /<input[^>]*type="radio"[^>]*name="(m\.[^"]+)"[^>]*value="(true|false)"[^>]*checked/g,
    ))
      fields[m[1]!] = m[2]!;
    fields['m.C6.points'] = '6';
    fields['m.C6.note'] = '组织开展的电话调查满意率 93%（演示数据）';
    fields['m.C5.points'] = '5';
    const saved = await post(unitPath, cookie, form(fields));
    expect(saved.status, await saved.clone().text()).toBe(303);
    const after = (await (
      await fetch(`${server.url}/scoring/${YEAR}/qinglan-no1-middle-school.json`)
    ).json()) as PublicCard;
    const c6 = after.indicators.find((i) => i.key === 'C6')!;
    expect([c6.status, c6.points, c6.note]).toEqual([
      'insufficientSampleMarked',
      6,
      '组织开展的电话调查满意率 93%（演示数据）',
    ]);
    expect(after.grade).not.toBe('pending');
    expect(after.unranked).toBe('insufficientSample');
  });

  test('the evaluator page passes axe', async () => {
    const { cookie } = await signIn(server.url, 'demo.evaluator', 1);
    const context = await browser.newContext({ locale: 'zh-CN' });
    const [name, value] = cookie.split('=');
    await context.addCookies([
      { name: name!, value: value!, domain: '127.0.0.1', path: '/', secure: true, httpOnly: true, sameSite: 'Strict' },
    ]);
    const page = await context.newPage();
    for (const path of [unitPath, '/staff/evaluation/']) {
      const res = await page.goto(`${server.url}${path}`);
      expect(res?.status(), path).toBe(200);
      const violations = await axeViolations(page);
      expect(violations, `${path}\n${formatViolations(violations)}`).toEqual([]);
    }
    await context.close();
  });
});
