import { beforeAll, describe, expect, test } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { axeViolations, formatViolations, launchBrowser, watchPage } from '../support/browser.ts';
import { demoAccount, demoCode, type DemoUsername } from '../support/staff.ts';

/**
 * Issue 5 acceptance 5, in Chromium over plain http on 127.0.0.1: a responder signs in with password
 * and TOTP (the code computed from the demo secret in README.md), accepts and answers a demo item, and
 * the citizen's tracking page (demo code from README.md) shows the reply. axe (WCAG 2.2 AA) runs on
 * every staff page visited, for every role: 0 violations.
 */
const DEMO_TRACKING = 'S2FR-908T-7CFW';
const REPLY = '感谢建议。公示栏旁已张贴二维码，扫码即可查看历次公示。（演示答复）';

let server: TestServer;
let browser: Browser;
let db: Client;
const visited: string[] = [];
/** The assessment year of the demo scorecards (the seed's year, Beijing time). */
const YEAR = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();

// Each hook returns its own teardown, so that a failed start stops only what did start.
beforeAll(async () => {
  server = await startTestServer();
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

async function expectAccessible(page: Page): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${page.url()}\n${formatViolations(violations)}`).toEqual([]);
  visited.push(new URL(page.url()).pathname);
}

async function signInWithBrowser(username: DemoUsername): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${server.url}/staff/`);
  // No session: the guard sends the browser to the login page with `next`.
  await page.waitForURL(/\/staff\/login\/\?next=%2Fstaff%2F$/);
  await expectAccessible(page);
  const a = demoAccount(username);
  await page.getByLabel('用户名').fill(a.username);
  await page.getByLabel('密码', { exact: true }).fill(a.password);
  await page.getByLabel('动态验证码').fill(demoCode(username));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/staff/`);
  return { context, page };
}

describe('staff console in Chromium', () => {
  test('a failed login shows an accessible error summary and sets no cookie', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/staff/login/`);
    await page.getByLabel('用户名').fill('demo.xixi');
    await page.getByLabel('密码', { exact: true }).fill('not the password at all');
    await page.getByLabel('动态验证码').fill('123456');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.title()).toMatch(/^错误：/);
    expect(await page.locator('.error-summary').innerText()).toContain('用户名、密码或动态验证码不正确');
    await expectAccessible(page);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  });

  test('the responder signs in (password + TOTP), accepts and replies; the tracking page shows the reply', async () => {
    const { context, page } = await signInWithBrowser('demo.xixi');
    const problems = await watchPage(page);
    // Chromium kept the __Host- cookie over http on 127.0.0.1 (a secure context), with every attribute.
    const cookies = await context.cookies();
    expect(
      cookies.map((c) => ({
        name: c.name,
        secure: c.secure,
        httpOnly: c.httpOnly,
        sameSite: c.sameSite,
        path: c.path,
      })),
    ).toEqual([{ name: '__Host-qinglian-staff', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' }]);
    await expectAccessible(page);

    await page.getByRole('link', { name: '待办意见' }).click();
    await page.waitForURL(/\/staff\/inbox\/$/);
    await expectAccessible(page);
    const id = String(
      (
        await db.execute({
          sql: 'SELECT id FROM feedback_items WHERE tracking_code = ?',
          args: [DEMO_TRACKING.replace(/-/g, '')],
        })
      ).rows[0]!.id,
    );
    await page.locator(`a[href="/staff/inbox/${id}/"]`).click();
    await page.waitForURL(new RegExp(`/staff/inbox/${id}/$`));
    await expectAccessible(page);

    await page.getByRole('button', { name: '受理', exact: true }).click();
    await page.waitForURL(/\?done=accept$/);
    expect(await page.locator('[data-done]').innerText()).toMatch(/^已受理，回复期限 .+（还有 \d+ 天）。$/);
    await expectAccessible(page);
    // A failed reply (too short) shows the error, accessibly, and keeps the page.
    await page.getByLabel('答复内容（将在查询页面向提交人公开）').fill('好');
    await page.getByRole('button', { name: '预览答复' }).click();
    await expect.poll(() => page.title()).toMatch(/^错误：/);
    await expectAccessible(page);
    await page.getByLabel('答复内容（将在查询页面向提交人公开）').fill(REPLY);
    await page.getByRole('button', { name: '预览答复' }).click();
    // The reply is shown as the submitter will see it, and sent only from the preview.
    await page.waitForSelector('[data-reply-preview]');
    expect(await page.locator('[data-preview-text]').innerText()).toBe(REPLY);
    expect(await page.locator('[data-reply]').count()).toBe(0);
    await expectAccessible(page);
    await page.locator('[data-reply-preview] button[type="submit"]').click();
    await page.waitForURL(/\?done=reply$/);
    expect(await page.locator('[data-done]').innerText()).toContain('答复已发送');
    expect(await page.locator('[data-reply]').innerText()).toBe(REPLY);
    await page.getByLabel('备注内容').fill('已核对公示栏二维码（内部备注，演示）');
    await page.getByRole('button', { name: '保存备注' }).click();
    await page.waitForURL(/\?done=note$/);
    await expectAccessible(page);
    // The one 4xx was the deliberately short reply.
    expect((await problems.list()).filter((p) => !p.includes('status of 422') && !p.startsWith('HTTP 422'))).toEqual(
      [],
    );

    // The citizen, in another browser, with the demo tracking code from README.md.
    const citizen = await browser.newContext({ locale: 'zh-CN' });
    const track = await citizen.newPage();
    await track.goto(`${server.url}/feedback/track/${DEMO_TRACKING}/`);
    const replySection = track.locator('section[aria-labelledby="reply-title"]');
    expect(await replySection.innerText()).toContain(REPLY);
    expect(await track.locator('body').innerText()).not.toContain('内部备注');
    await citizen.close();

    // Logout ends the session server-side: the old cookie no longer opens anything.
    const [cookie] = await context.cookies();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/staff\/login\/\?ended=revoked$/);
    await expectAccessible(page);
    const replay = await fetch(`${server.url}/staff/`, {
      redirect: 'manual',
      headers: { cookie: `${cookie!.name}=${cookie!.value}` },
    });
    expect(replay.status).toBe(303);
    await context.close();
  }, 120_000);

  test('every other staff page, for the role that may open it, has 0 axe violations', async () => {
    const pending = String(
      (
        await db.execute(
          "SELECT id FROM feedback_items WHERE visibility = 'pending' AND routed_to = 'unit' AND body IS NOT NULL LIMIT 1",
        )
      ).rows[0]!.id,
    );
    const moderatorId = String(
      (await db.execute("SELECT id FROM staff_accounts WHERE username = 'demo.moderator'")).rows[0]!.id,
    );
    const plan: [DemoUsername, string[]][] = [
      ['demo.moderator', ['/staff/moderation/', `/staff/moderation/${pending}/`]],
      [
        'demo.admin',
        [
          '/staff/inbox/',
          `/staff/inbox/${pending}/`,
          '/staff/accounts/',
          `/staff/accounts/${moderatorId}/`,
          '/staff/audit/',
          '/staff/surveys/',
          '/staff/surveys/school-demo/',
          '/staff/surveys/school-demo/slips/',
        ],
      ],
      [
        'demo.evaluator',
        ['/staff/evaluation/', `/staff/evaluation/${YEAR}/xixi-central-primary/`, '/staff/consultation/'],
      ],
      ['demo.publisher', ['/staff/disclosures/', '/staff/powers/']],
      // The approval page of a submission is walked by tests/e2e/disclosure-approval.test.ts.
      ['demo.approver', ['/staff/approvals/']],
    ];
    {
      // The first-login page, without a session.
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto(`${server.url}/staff/enrol/`);
      await expectAccessible(page);
      await context.close();
    }
    for (const [username, paths] of plan) {
      const { context, page } = await signInWithBrowser(username);
      await expectAccessible(page);
      for (const path of paths) {
        const res = await page.goto(`${server.url}${path}`);
        expect(res?.status(), path).toBe(200);
        await expectAccessible(page);
      }
      if (username === 'demo.moderator') {
        // The redaction form in use (its suggested text, numbers masked), then a refused page: the
        // refusals are plain error pages, checked too.
        await page.goto(`${server.url}/staff/moderation/${pending}/`);
        await page.getByRole('button', { name: '保存处理后的文字' }).click();
        await page.waitForLoadState('load');
        await expectAccessible(page);
        const refused = await page.goto(`${server.url}/staff/accounts/`);
        expect(refused?.status()).toBe(403);
        await expectAccessible(page);
      }
      await context.close();
    }
    expect(new Set(visited.map((p) => p.replace(/[0-9a-f-]{36}/, ':id')))).toEqual(
      new Set([
        '/staff/login/',
        '/staff/',
        '/staff/inbox/',
        '/staff/inbox/:id/',
        '/staff/moderation/',
        '/staff/moderation/:id/',
        '/staff/accounts/',
        '/staff/accounts/:id/',
        '/staff/audit/',
        '/staff/surveys/',
        '/staff/surveys/school-demo/',
        '/staff/surveys/school-demo/slips/',
        '/staff/enrol/',
        '/staff/evaluation/',
        `/staff/evaluation/${YEAR}/xixi-central-primary/`,
        '/staff/consultation/',
        '/staff/disclosures/',
        '/staff/powers/',
        '/staff/approvals/',
      ]),
    );
  }, 180_000);
});
