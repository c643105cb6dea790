import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createClient, type Client } from '@libsql/client';
import { startTestServer, type TestServer } from '../support/server.ts';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { signIn, type DemoUsername } from '../support/staff.ts';
import { demoRandom } from '../../db/seed-channel.ts';
import { bytesFor, encodeCrockford, formatCode, TRACKING_CODE_LENGTH } from '../../src/domain/feedback/tracking.ts';
import { fieldId } from '../../src/forms/read.ts';

/**
 * Issue 16, acceptance 2: for every form, submitting it empty yields one error per missing field, each
 * naming its field and linking to it — in the summary and at the field (GOV.UK pattern) — with and without
 * JavaScript. Each form is sent empty as it is rendered (preselected choices and hidden fields kept); the
 * summary's links are compared with the fields the form requires, in form order.
 */

let server: TestServer;
let browser: Browser;
let db: Client;
beforeAll(async () => {
  server = await startTestServer({ env: { FEEDBACK_LIMIT_NO_POW_PER_IP: '200', FEEDBACK_LIMIT_PER_IP: '200' } });
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(async () => {
  browser = await launchBrowser();
  return () => browser.close();
});
beforeAll(() => {
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  return () => db.close();
});

/** The demo tracking code of a unit's n-th demo item (fixed by the demo seed). */
const demoCode = (unitId: string, index: number) =>
  formatCode(
    encodeCrockford(demoRandom(`feedback:${unitId}:${index}`)(bytesFor(TRACKING_CODE_LENGTH)), TRACKING_CODE_LENGTH),
  );

type Mode = 'without JavaScript' | 'with JavaScript';
const modes: Mode[] = ['without JavaScript', 'with JavaScript'];

const sharedSessions = new Map<DemoUsername, Promise<{ cookie: string; csrf: string }>>();
const contexts = new Map<string, Promise<BrowserContext>>();
/** One browser context per mode and signed-in account (the session cookie is shared by both modes). */
function contextFor(mode: Mode, cookie: string | null): Promise<BrowserContext> {
  const key = `${mode}|${cookie ?? ''}`;
  let c = contexts.get(key);
  if (!c) {
    c = (async () => {
      const context = await browser.newContext({ javaScriptEnabled: mode === 'with JavaScript', locale: 'zh-CN' });
      if (cookie) {
        // The session cookie is `__Host-`-style (Secure, path /): Chromium treats localhost as secure.
        const at = cookie.indexOf('=');
        await context.addCookies([
          {
            name: cookie.slice(0, at),
            value: cookie.slice(at + 1),
            domain: new URL(server.url).hostname,
            path: '/',
            secure: true,
            httpOnly: true,
            sameSite: 'Strict',
          },
        ]);
      }
      return context;
    })();
    contexts.set(key, c);
  }
  return c;
}

interface Summary {
  href: string;
  text: string;
}

/**
 * Open `path`, submit the form `form` as rendered, and return the error summary's links. Checks on the way
 * that the page says 错误：, every link's target exists once, and the field shows the same text as the
 * summary (`<id>-error`), so the error is named at the field too.
 */
async function submitEmpty(page: Page, path: string, form: string): Promise<Summary[]> {
  await page.goto(`${server.url}${path}`);
  await page.locator(`${form} button[type="submit"]`).first().click();
  // With JavaScript the feedback forms wait for the proof-of-work before they post.
  await page.waitForSelector('.error-summary', { timeout: 30_000 });
  expect(await page.title()).toMatch(/^错误：/);
  const links = await page
    .locator('.error-summary a')
    .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent.trim() })));
  for (const { href, text } of links) {
    expect(await page.locator(href).count(), `${path} ${href}`).toBe(1);
    const atField = page.locator(`${href}-error`);
    if ((await atField.count()) > 0) expect((await atField.textContent())?.trim(), `${path} ${href}`).toBe(text);
  }
  return links;
}

const hrefs = (fields: string[]) => fields.map((f) => `#${fieldId(f)}`);

/** Every message differs: none is a bare 请选择一项 repeated without saying which field. */
function expectDistinct(links: Summary[]) {
  expect(new Set(links.map((l) => l.text)).size, JSON.stringify(links)).toBe(links.length);
}

describe.each(modes)('empty forms, %s', (mode) => {
  const open = async (cookie: string | null = null) => (await contextFor(mode, cookie)).newPage();
  /** One sign-in per account for the whole file (a TOTP code is accepted once). */
  const session = (u: DemoUsername) => {
    let s = sharedSessions.get(u);
    if (!s) {
      s = signIn(server.url, u);
      sharedSessions.set(u, s);
    }
    return s;
  };

  test('the feedback form: kind, unit and text, each named', async () => {
    const page = await open();
    const links = await submitEmpty(page, '/feedback/', '#form');
    expect(links.map((l) => l.href)).toEqual(hrefs(['kind', 'unitId', 'body']));
    expect(links.map((l) => l.text)).toEqual(['请选择意见类型', '请选择单位', '请填写意见内容']);
    if (mode === 'without JavaScript') await expectAccessibleAsServed(browser, page);
    await page.close();
  });

  test('the 陪餐 form: every field, 口味/分量/卫生/价格 by name', async () => {
    const page = await open();
    const links = await submitEmpty(page, '/feedback/meal/', '#form');
    expect(links.map((l) => l.href)).toEqual(
      hrefs([
        'unitId',
        'meal.date',
        'meal.meal',
        'meal.dishes',
        'meal.taste',
        'meal.quantity',
        'meal.hygiene',
        'meal.price',
      ]),
    );
    expect(links.slice(4).map((l) => l.text)).toEqual([
      '请选择对口味的评价',
      '请选择对分量的评价',
      '请选择对卫生的评价',
      '请选择对价格的评价',
    ]);
    expectDistinct(links);
    expect(await page.textContent('main')).not.toContain('请填写陪餐情况');
    if (mode === 'without JavaScript') await expectAccessibleAsServed(browser, page);
    await page.close();
  });

  test('tracking: the code; on an item, the rating and reopening forms', async () => {
    const page = await open();
    expect((await submitEmpty(page, '/feedback/track/', '#form')).map((l) => l.href)).toEqual(['#f-code']);
    // The demo complaint to 荷塘村 has a reply: both submitter forms are on its page.
    const item = `/feedback/track/${demoCode('hetang-village', 1)}/`;
    const rate = await submitEmpty(page, item, '#rate');
    expect(rate.map((l) => l.href)).toEqual(['#f-rate-secret', '#f-rate-rating']);
    expect(rate.map((l) => l.text)).toEqual(['请填写查询密码', '请选择您对答复的评价']);
    const reopen = await submitEmpty(page, item, '#reopen');
    expect(reopen.map((l) => l.href)).toEqual(['#f-reopen-secret', '#f-reopen-reason']);
    expect(reopen[1]!.text).toBe('申请理由：请填写理由');
    await page.close();
  });

  test('the survey: the invitation code, then the relation and each question by number', async () => {
    const page = await open();
    expect((await submitEmpty(page, '/ratings/', '#form')).map((l) => l.text)).toEqual(['请填写邀请码']);
    // A demo invitation code of 西溪镇中心小学 (README): the code step opens the questionnaire, and an
    // empty answer sheet does not use the code up.
    await page.goto(`${server.url}/ratings/?code=H1QEB-CH2QJ`);
    await page.locator('#form button[type="submit"]').click();
    await page.waitForSelector('input[name="step"][value="answers"]', { state: 'attached' });
    await page.locator('#form button[type="submit"]').click();
    await page.waitForSelector('.error-summary');
    const links = await page
      .locator('.error-summary a')
      .evaluateAll((as) => as.map((a) => ({ href: a.getAttribute('href') ?? '', text: a.textContent.trim() })));
    expect(links[0]).toEqual({ href: '#f-relation', text: '请选择您与被测评单位的关系' });
    const questions = links.slice(1);
    expect(questions.length).toBeGreaterThanOrEqual(3);
    expect(questions.map((q) => q.text)).toEqual(questions.map((_, i) => `第 ${i + 1} 题：请选择一项`));
    for (const { href, text } of links) {
      expect(href).toMatch(/^#f-(?:relation|answers-[a-zA-Z]+)$/);
      expect(await page.locator(href).count()).toBe(1);
      expect((await page.locator(`${href}-error`).textContent())?.trim()).toBe(text);
    }
    if (mode === 'without JavaScript') await expectAccessibleAsServed(browser, page);
    await page.close();
  });

  test('the printable code sheet and a consultation comment', async () => {
    const page = await open();
    expect((await submitEmpty(page, '/surveys/sheet/', '#form')).map((l) => l.href)).toEqual(['#f-token']);
    await page.goto(`${server.url}/scoring/consultation/`);
    const key = await page.locator('main a[href^="/scoring/consultation/"]').first().getAttribute('href');
    const links = await submitEmpty(page, key!, '#form');
    expect(links).toEqual([{ href: '#f-body', text: '请填写您对这项指标的意见' }]);
    await page.close();
  });

  test('the staff login: user name, password and code, each named', async () => {
    const page = await open();
    const links = await submitEmpty(page, '/staff/login/', 'form.form');
    expect(links.map((l) => l.href)).toEqual(hrefs(['username', 'password', 'code']));
    expectDistinct(links);
    await page.close();
  });

  test('staff item forms: reply, extend, close, note, hide, redact, route — each field named and linked', async () => {
    const responder = await session('demo.xixi');
    const moderator = await session('demo.moderator');
    const submit = async (body: Record<string, unknown>) => {
      const res = await fetch(`${server.url}/api/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      const { trackingCode } = (await res.json()) as { trackingCode: string };
      const row = await db.execute({
        sql: 'SELECT id FROM feedback_items WHERE tracking_code = ?',
        args: [trackingCode.replace(/-/g, '')],
      });
      return String(row.rows[0]!.id);
    };
    const item = { kind: 'suggestion', unitId: 'xixi-central-primary', body: `食堂窗口排队太久（${mode}）` };
    const accepted = await submit(item);
    const received = await submit({ ...item, body: `${item.body}，第二件` });
    const accept = await fetch(`${server.url}/staff/inbox/${accepted}/`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: server.url,
        cookie: responder.cookie,
      },
      body: new URLSearchParams({ _csrf: responder.csrf, action: 'accept' }).toString(),
    });
    expect(accept.status).toBe(303);

    const page = await open(responder.cookie);
    const at = `/staff/inbox/${accepted}/`;
    expect(await submitEmpty(page, at, '#reply')).toEqual([
      { href: '#f-reply-body', text: '答复内容（将在查询页面向提交人公开）：请填写答复内容' },
    ]);
    const extend = await submitEmpty(page, at, '#extend');
    expect(extend.map((l) => l.href)).toEqual(['#f-extend-days', '#f-extend-reason']);
    expectDistinct(extend);
    expect((await submitEmpty(page, at, '#note')).map((l) => l.href)).toEqual(['#f-note-body']);
    expect((await submitEmpty(page, `/staff/inbox/${received}/`, '#close')).map((l) => l.href)).toEqual([
      '#f-close-reason',
    ]);
    await page.close();

    const mod = await open(moderator.cookie);
    const m = `/staff/moderation/${received}/`;
    expect((await submitEmpty(mod, m, '#hide')).map((l) => l.href)).toEqual(['#f-hide-reason']);
    expect((await submitEmpty(mod, m, '#route')).map((l) => l.href)).toEqual(['#f-route-reason']);
    // The redaction form starts from the stored text: emptied, it names the text box.
    await mod.goto(`${server.url}${m}`);
    await mod.fill('#f-redact-text', '');
    await mod.locator('#redact button[type="submit"]').click();
    await mod.waitForSelector('.error-summary');
    expect(await mod.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '#f-redact-text',
    ]);
    await mod.close();
  });

  test('evaluation: the veto form names date and source; a bad count names its indicator', async () => {
    const evaluator = await session('demo.evaluator');
    const page = await open(evaluator.cookie);
    await page.goto(`${server.url}/staff/evaluation/`);
    const unitPage = await page.locator('a[href^="/staff/evaluation/20"]').first().getAttribute('href');
    const veto = await submitEmpty(page, unitPage!, '#veto-form');
    expect(veto.map((l) => l.href)).toEqual(['#f-occurredOn', '#f-source']);
    expect(veto.map((l) => l.text.split('：')[0])).toEqual(['发生日期', '来源（如处分决定文号）']);

    const count = page.locator('#marks input[inputmode="numeric"][name$=".value"]').first();
    if ((await count.count()) > 0) {
      const name = (await count.getAttribute('name'))!;
      const key = name.split('.')[1]!;
      await page.goto(`${server.url}${unitPage!}`);
      await page.fill(`#${fieldId(name)}`, 'abc');
      await page.locator('#marks button[type="submit"]').click();
      await page.waitForSelector('.error-summary');
      const text = await page.locator('.error-summary a').first().textContent();
      expect(text).toMatch(new RegExp(`^${key} .+：`));
    }
    await page.close();
  });
});

describe('hints and warnings only where they apply', () => {
  test('the 检举控告 notice shows once that kind is chosen, and never on the 陪餐 form', async () => {
    for (const mode of modes) {
      const page = await (await contextFor(mode, null)).newPage();
      await page.goto(`${server.url}/feedback/`);
      const notice = page.locator('#misconduct-notice');
      expect(await notice.isVisible(), mode).toBe(false);
      await page.check('input[name="kind"][value="misconductReport"]');
      expect(await notice.isVisible(), mode).toBe(true);
      await page.check('input[name="kind"][value="complaint"]');
      expect(await notice.isVisible(), mode).toBe(false);
      await page.goto(`${server.url}/feedback/meal/`);
      expect(await page.textContent('main'), mode).not.toContain('检举控告');
      await page.close();
    }
  });
});
