import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectAccessibleAsServed, launchBrowser, noJsPage } from '../support/browser.ts';
import { demoRandom } from '../../db/seed-channel.ts';
import {
  bytesFor,
  encodeCrockford,
  formatCode,
  SECRET_LENGTH,
  TRACKING_CODE_LENGTH,
} from '../../src/domain/feedback/tracking.ts';
import { SHEET_TOKEN_LENGTH } from '../../src/services/invitations.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import { decodeQrPath } from '../support/qr-decode.ts';

let server: TestServer;
let browser: Browser;
// Each hook returns its own teardown, so that a failed start stops only what did start.
beforeAll(async () => {
  // Forms without JavaScript use the no-proof-of-work allowance; give this run room for its posts.
  server = await startTestServer({ env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '100' } });
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
});

const today = beijingDate(new Date());
/** The demo tracking code and secret of a unit's n-th demo item (fixed by the demo seed). */
function demoTracking(unitId: string, index: number) {
  const rnd = demoRandom(`feedback:${unitId}:${index}`);
  const code = formatCode(encodeCrockford(rnd(bytesFor(TRACKING_CODE_LENGTH)), TRACKING_CODE_LENGTH));
  return { code, secret: formatCode(encodeCrockford(rnd(bytesFor(SECRET_LENGTH)), SECRET_LENGTH)) };
}
/** The demo sheet token of a unit (the demo seed derives it from a fixed label). */
const demoSheetToken = (unitId: string) =>
  formatCode(encodeCrockford(demoRandom(`invitations:${unitId}`)(bytesFor(SHEET_TOKEN_LENGTH)), SHEET_TOKEN_LENGTH));

describe('feedback forms with JavaScript disabled', () => {
  test('a 陪餐 record: submit, land on the tracking page with the code and the secret, kept across a reload', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/feedback/meal/?unit=xixi-central-primary`);
    await expectAccessibleAsServed(browser, page);
    expect(await page.locator('#f-unitId').inputValue()).toBe('xixi-central-primary');
    await page.fill('#f-meal-date', today);
    await page.check('input[name="meal.meal"][value="lunch"]');
    await page.fill('#f-meal-dishes', '土豆烧牛肉、炒青菜、冬瓜汤');
    for (const aspect of ['taste', 'quantity', 'hygiene', 'price'])
      await page.check(`input[name="meal.${aspect}"][value="good"]`);
    await page.fill('#f-suggestion', '希望多一些水果');
    await page.check('#f-publicConsent');
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/feedback\/track\/[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\/$/);
    const code = page.url().match(/track\/([^/]+)\//)![1]!;
    expect(await page.locator('[data-tracking-code]').textContent()).toBe(code);
    expect(await page.locator('[data-secret]').textContent()).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(await page.locator('h1').textContent()).toContain(code);
    expect(await page.textContent('main')).toContain('土豆烧牛肉');
    await expectAccessibleAsServed(browser, page);
    const secret = (await page.locator('[data-secret]').textContent())!;
    // Without JavaScript the copy buttons stay hidden; the QR code holds the code and the secret as text.
    expect(await page.locator('button[data-copy]:visible').count()).toBe(0);
    const qr = page.locator('svg[data-receipt-qr]');
    const size = Number((await qr.getAttribute('viewBox'))!.split(' ')[2]);
    const decoded = decodeQrPath(size, (await qr.locator('path').getAttribute('d'))!);
    expect(decoded).toContain(code);
    expect(decoded).toContain(secret);
    expect(decoded).not.toMatch(/https?:/);
    // Issue 13: the secret is kept across a reload of the receipt page (a sealed cookie, never the URL)…
    await page.reload();
    expect(await page.locator('[data-secret]').textContent()).toBe(secret);
    expect(page.url()).not.toContain(secret);
    // …until the submitter says it is saved.
    await page.click('#forget button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.locator('[data-secret]').count()).toBe(0);
    await page.reload();
    expect(await page.locator('[data-secret]').count()).toBe(0);
    const api = (await (await fetch(`${server.url}/api/feedback/${code}`)).json()) as { kind: string; status: string };
    expect(api).toMatchObject({ kind: 'accompaniedMeal', status: 'received' });
    await page.context().close();
  });

  test('errors: title starts with 错误：, the summary links to each field, values are kept, 0 axe violations', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/feedback/meal/`);
    await page.fill('#f-meal-dishes', '只填了菜品');
    await page.fill('#f-meal-date', '2099-01-01');
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    const links = await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual([
      '#f-unitId',
      '#f-meal-date',
      '#f-meal-meal',
      '#f-meal-taste',
      '#f-meal-quantity',
      '#f-meal-hygiene',
      '#f-meal-price',
    ]);
    for (const href of links) expect(await page.locator(href!).count(), href!).toBe(1);
    expect(await page.locator('#f-meal-dishes').inputValue()).toBe('只填了菜品');
    expect(await page.locator('#f-meal-date').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#f-meal-date-error').textContent()).toBe('陪餐日期不能晚于今天');
    await expectAccessibleAsServed(browser, page);

    await page.goto(`${server.url}/feedback/`);
    await expectAccessibleAsServed(browser, page);
    await page.fill('#f-body', '短');
    await page.fill('#f-contactPhone', '12345');
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    expect(await page.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '#f-kind',
      '#f-unitId',
      '#f-body',
      '#f-contactPhone',
    ]);
    expect(await page.locator('#f-body').inputValue()).toBe('短');
    await expectAccessibleAsServed(browser, page);
    await page.context().close();
  });

  test('the maxlength of each text field is the schema limit', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/feedback/`);
    expect(await page.locator('#f-body').getAttribute('maxlength')).toBe('2000');
    await page.goto(`${server.url}/feedback/meal/`);
    expect(await page.locator('#f-meal-dishes').getAttribute('maxlength')).toBe('200');
    expect(await page.locator('#f-suggestion').getAttribute('maxlength')).toBe('1000');
    await page.context().close();
  });

  test('tracking lookup, and the tracking page forms with their error states', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/feedback/track/`);
    await expectAccessibleAsServed(browser, page);
    await page.fill('#f-code', 'nonsense');
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    expect(await page.locator('.error-summary a').getAttribute('href')).toBe('#f-code');
    await expectAccessibleAsServed(browser, page);

    // The demo complaint to 荷塘村 has been replied to: its page offers rating and reopening.
    const demo = demoTracking('hetang-village', 1);
    await page.fill('#f-code', demo.code.toLowerCase());
    await page.click('button[type="submit"]');
    await page.waitForURL(new RegExp(`/feedback/track/${demo.code}/$`));
    expect(await page.locator('#rate').count()).toBe(1);
    expect(await page.locator('#reopen').count()).toBe(1);
    await expectAccessibleAsServed(browser, page);

    const summary = () =>
      page.locator('.error-summary a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    await page.fill('#f-rate-secret', 'AAAAA-AAAAA');
    await page.click('#rate button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    expect(await summary()).toEqual([['#f-rate-rating', '请选择您对答复的评价']]);
    expect(await page.locator('#f-rate-secret').inputValue()).toBe('AAAAA-AAAAA');
    await page.check('#rate input[value="satisfied"]');
    await page.click('#rate button[type="submit"]');
    await page.waitForLoadState();
    expect(await summary()).toEqual([['#f-rate-secret', '查询密码不正确']]);
    await expectAccessibleAsServed(browser, page);

    await page.fill('#f-reopen-secret', demo.secret);
    await page.fill('#f-reopen-reason', '短');
    await page.click('#reopen button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.locator('#f-reopen-reason-error').textContent()).toBe('申请理由：理由请至少填写 5 个字');
    await expectAccessibleAsServed(browser, page);

    await page.fill('#f-rate-secret', demo.secret);
    await page.check('#rate input[value="fairlySatisfied"]');
    await page.click('#rate button[type="submit"]');
    await page.waitForURL(/#rate-done$/);
    expect(await page.textContent('main')).toContain('您对答复的评价：基本满意');
    expect(await page.locator('#rate').count()).toBe(0);
    await page.context().close();
  });
});

describe('rating with an invitation code, JavaScript disabled', () => {
  test('print the demo sheet (QR codes), take an unused code, answer the survey, thank-you page', async () => {
    const page = await noJsPage(browser);
    await page.goto(`${server.url}/surveys/sheet/`);
    await expectAccessibleAsServed(browser, page);
    await page.fill('#f-token', demoSheetToken('qinglan-no1-middle-school'));
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    const cards = page.locator('.sheet li');
    expect(await cards.count()).toBe(60);
    expect(await page.locator('.sheet img').first().getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    await expectAccessibleAsServed(browser, page);
    const unused = await page.locator('.sheet li:not(:has(.used)) .code').last().textContent();
    expect(unused).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);

    const before = (await (await fetch(`${server.url}/api/surveys/school-demo/results`)).json()) as {
      units: { unitId: string; headline: { n: number } }[];
    };
    const n0 = before.units.find((u) => u.unitId === 'qinglan-no1-middle-school')!.headline.n;

    await page.goto(`${server.url}/ratings/?code=${encodeURIComponent(unused!)}`);
    expect(await page.locator('#f-invitationCode').inputValue()).toBe(unused);
    await expectAccessibleAsServed(browser, page);
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toContain('青岚市第一中学');
    // Submit with nothing chosen: every question is listed in the error summary.
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^错误：/);
    expect(await page.locator('.error-summary li').count()).toBe(5);
    await expectAccessibleAsServed(browser, page);
    await page.check('input[name="relation"][value="parent"]');
    for (const q of ['overall', 'canteen', 'schoolFees', 'openness'])
      await page.check(`input[name="answers.${q}"][value="satisfied"]`);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/ratings\/thanks\/$/);
    await expectAccessibleAsServed(browser, page);

    const after = (await (await fetch(`${server.url}/api/surveys/school-demo/results`)).json()) as typeof before;
    expect(after.units.find((u) => u.unitId === 'qinglan-no1-middle-school')!.headline.n).toBe(n0 + 1);

    // The same code again is refused with a clear message.
    await page.goto(`${server.url}/ratings/?code=${encodeURIComponent(unused!)}`);
    await page.click('button[type="submit"]');
    await page.waitForLoadState();
    expect(await page.locator('.error-summary').textContent()).toContain('这个邀请码已经使用过');
    await expectAccessibleAsServed(browser, page);
    await page.context().close();
  });

  test('results and unit pages are accessible', async () => {
    const page = await noJsPage(browser);
    for (const path of [
      '/surveys/',
      '/units/xixi-central-primary/feedback/',
      '/units/xixi-central-primary/',
      '/ratings/thanks/',
    ]) {
      await page.goto(`${server.url}${path}`);
      await expectAccessibleAsServed(browser, page);
    }
    await page.context().close();
  });
});

describe('with JavaScript on', () => {
  test('the form solves an ALTCHA proof-of-work in the background and still lands on the tracking page', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}/feedback/?unit=liuwan-village`);
    await page.waitForFunction(
      () => document.querySelector<HTMLInputElement>('input[name="altcha"]')?.value !== '',
      null,
      { timeout: 30_000 },
    );
    await page.check('input[name="kind"][value="suggestion"]');
    // While typing, the same detector as the server's warns about identifiers (and is silent without them).
    const warning = page.locator('[data-identifier-warning="f-body"]');
    await page.fill('#f-body', '建议村务公开栏增加夜间照明，有事请打 138 1234 5678 或发 wang at qq dot com');
    await expect.poll(() => warning.textContent(), { timeout: 5_000 }).toContain('手机号码、电子邮箱');
    await page.fill('#f-body', '建议村务公开栏增加夜间照明');
    await expect.poll(() => warning.textContent(), { timeout: 5_000 }).toBe('');
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/feedback\/track\/[0-9A-Z-]+\/$/);
    expect(await page.locator('[data-secret]').count()).toBe(1);
    // With JavaScript the copy buttons appear and copy the secret.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const copy = page.locator('button[data-copy="receipt-secret"]');
    await copy.click();
    // The label changes when the clipboard promise settles, a moment after the click.
    await expect.poll(() => copy.textContent()).toContain('已复制');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      (await page.locator('[data-secret]').textContent())!.trim(),
    );
    expect(errors).toEqual([]);
    await context.close();
  });
});
