import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signInInBrowser } from '../support/staff.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Issue 12 "Every carrier publishes": a unit's 小微权力清单 edited by its publisher on /staff/powers/ in Chromium
 * WITHOUT JavaScript (add an entry, edit one, remove one, submit the whole list with a reason), a bad field and an
 * ID in 决策主体 refused with 422 naming the field and nothing stored, another unit's list refused (403); the
 * unit's approver previews it with the entries it changes and approves it; the rebuild the approval queued goes
 * live without a restart and the unit page shows the new list with 更新于 …（经审批） and its versions. axe 0
 * violations on every page state.
 */
let server: TestServer;
let browser: Browser;
let db: Client;
let publisher: Page;
let approver: Page;
const buildsDir = mkdtempSync(join(tmpdir(), 'qinglian-powers-builds-'));
const UNIT = 'xixi-central-primary';
const PAGE = `/staff/powers/?unit=${UNIT}`;

beforeAll(async () => {
  server = await startTestServer({
    env: { SITE_BUILDS_DIR: buildsDir, SITE_BUILD_POLL_MS: '200', NIGHTLY_REBUILD: 'false' },
  });
  return async () => {
    await server.stop();
    server.cleanup();
    rmSync(buildsDir, { recursive: true, force: true });
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
beforeAll(async () => {
  publisher = await signInInBrowser(browser, server.url, 'demo.publisher', PAGE);
  approver = await signInInBrowser(browser, server.url, 'demo.approver', '/staff/approvals/');
  return async () => {
    await publisher.context().close();
    await approver.context().close();
  };
});

const accessible = (page: Page) => expectAccessibleAsServed(browser, page);
const rows = async (sql: string, args: string[] = []) => (await db.execute({ sql, args })).rows;
const submissions = async () =>
  (await rows("SELECT id, state, change FROM disclosure_submissions WHERE kind = 'powerList'")).length;
const cookieOf = async (page: Page) => (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');

/** A POST of the form without a browser (what the form's fields would not let through). */
async function postAs(page: Page, fields: [string, string][]) {
  const cookie = await cookieOf(page);
  const html = await (await fetch(`${server.url}${PAGE}`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return fetch(`${server.url}/staff/powers/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
    body: new URLSearchParams([['_csrf', csrf], ...fields]).toString(),
  });
}

/** The titles of the list in force when the test starts (content/units), and so the index a new entry gets. */
let existing: string[] = [];
const entry = (i: number | 'new') => publisher.locator(`fieldset[data-entry="${i}"]`);
async function press(name: string): Promise<number> {
  const [res] = await Promise.all([
    publisher.waitForResponse((r) => r.request().method() === 'POST'),
    publisher.getByRole('button', { name, exact: true }).click(),
  ]);
  await publisher.waitForLoadState('load');
  return res.status();
}

describe('the publisher edits the list without JavaScript', () => {
  test('the list in force (content/’s) is shown as a form, with a blank entry to add', async () => {
    await publisher.goto(`${server.url}${PAGE}`);
    expect(await publisher.locator('[data-in-force]').getAttribute('data-in-force')).toBe('content');
    expect(await entry(0).getByLabel('事项名称').inputValue()).toBe('食堂账目公开');
    expect(await entry('new').getByLabel('事项名称').inputValue()).toBe('');
    existing = await publisher
      .locator('fieldset[data-entry]:not([data-entry="new"])')
      .evaluateAll((sets) => sets.map((f) => (f.querySelector('input[name$=".title"]') as HTMLInputElement).value));
    expect(existing.length).toBeGreaterThan(0);
    await accessible(publisher);
  });

  test('add and edit: “update” shows the new list and stores nothing', async () => {
    await entry('new').getByLabel('事项名称').fill('校服采购');
    await entry('new').getByLabel('决策主体').fill('校务委员会、家长委员会');
    await entry('new').getByLabel('运行流程').fill('家长自愿征订\n公开招标\n结果公示');
    await entry('new').getByLabel('公开渠道').fill('校务公开栏、本网站');
    await entry(0).getByLabel('公开渠道').fill('食堂公示栏、校园网、本网站');
    expect(await press('更新清单（不保存）')).toBe(200);
    expect(await publisher.locator('[data-done="updated"]').count()).toBe(1);
    expect(await entry(existing.length).getByLabel('事项名称').inputValue()).toBe('校服采购');
    expect(await entry(0).getByLabel('公开渠道').inputValue()).toBe('食堂公示栏、校园网、本网站');
    expect(await submissions()).toBe(0);
    await accessible(publisher);
  });

  test('an ID in 决策主体 and a too-short title → 422 naming both fields; nothing stored', async () => {
    await entry(existing.length).getByLabel('决策主体').fill('王老师 11010519491231002X');
    await entry('new').getByLabel('事项名称').fill('教');
    await entry('new').getByLabel('决策主体').fill('教务处');
    await entry('new').getByLabel('运行流程').fill('征订');
    await entry('new').getByLabel('公开渠道').fill('本网站');
    await publisher.getByLabel('变更理由').fill('新增校服采购事项');
    expect(await press('提交审批')).toBe(422);
    const summary = await publisher.locator('#error-summary').innerText();
    expect(summary).toContain('不能包含手机号、身份证号、银行卡号等个人信息');
    expect(await publisher.locator(`#f-powers-${String(existing.length)}-decidedBy-error`).count()).toBe(1);
    expect(await publisher.locator(`#f-powers-${String(existing.length + 1)}-title-error`).count()).toBe(1);
    expect(await submissions()).toBe(0);
    await accessible(publisher);
  });

  test('another unit’s list: 403 to see it and to submit it; nothing stored', async () => {
    const cookie = await cookieOf(publisher);
    expect((await fetch(`${server.url}/staff/powers/?unit=liuwan-village`, { headers: { cookie } })).status).toBe(403);
    const res = await postAs(publisher, [
      ['unit', 'liuwan-village'],
      ['powers.0.title', '集体资产处置'],
      ['powers.0.decidedBy', '村民代表会议'],
      ['powers.0.steps', '提议\n表决'],
      ['powers.0.disclosedAt', '村务公开栏'],
      ['reason', '越权修改'],
      ['action', 'submit'],
    ]);
    expect(res.status).toBe(403);
    expect(await submissions()).toBe(0);
    const unknown = await postAs(publisher, [
      ['unit', UNIT],
      ['owner', 'x'],
      ['action', 'submit'],
    ]);
    expect(unknown.status).toBe(400);
  });

  test('remove the bad entry, fix the other, submit with a reason → stored for approval', async () => {
    await entry(existing.length + 1)
      .getByLabel('删除此项')
      .check();
    await entry(existing.length).getByLabel('决策主体').fill('校务委员会、家长委员会');
    await publisher.getByLabel('变更理由').fill('新增校服采购事项，补充食堂账目公开渠道');
    expect(await press('提交审批')).toBe(200);
    expect(await publisher.locator('[data-done="submitted"]').count()).toBe(1);
    expect(await publisher.locator('[data-pending]').count()).toBe(1);
    const [s] = await rows("SELECT * FROM disclosure_submissions WHERE kind = 'powerList'");
    expect(s).toMatchObject({ unit_id: UNIT, disclosure_id: `powers-${UNIT}`, change: 'publish', state: 'submitted' });
    const data = JSON.parse(String(s!.data)) as { powers: { title: string }[] };
    expect(data.powers.map((p) => p.title)).toEqual([...existing, '校服采购']);
    await accessible(publisher);
  });
});

describe('the approver approves it, and the unit page shows it after the rebuild', () => {
  let buildId: string;
  test('queue → preview with the entries it changes and the list as the unit page shows it → approve', async () => {
    await approver.goto(`${server.url}/staff/approvals/`);
    const row = approver.locator('tr', { hasText: `powers-${UNIT}` });
    expect(await row.innerText()).toContain('小微权力清单');
    await row.getByRole('link', { name: '预览并审批' }).click();
    await approver.waitForLoadState('load');
    const changes = approver.locator('[data-power-changes]');
    expect(await changes.locator('tr[data-change="added"]').innerText()).toContain('校服采购');
    expect(await changes.locator('tr[data-change="changed"]').innerText()).toMatch(/食堂账目公开[\s\S]*公开渠道/);
    expect(await approver.locator('[data-preview="powerList"] h3').allInnerTexts()).toEqual([...existing, '校服采购']);
    await accessible(approver);
    await approver.getByRole('button', { name: '批准', exact: true }).click();
    await approver.waitForLoadState('load');
    expect(await approver.locator('[data-done="approved"]').count()).toBe(1);
    await accessible(approver);
    const [v] = await rows('SELECT version, kind FROM disclosure_versions WHERE disclosure_id = ?', [`powers-${UNIT}`]);
    expect(v).toMatchObject({ version: 1, kind: 'powerList' });
    const [b] = await rows("SELECT id FROM site_builds WHERE reason = 'approval'");
    buildId = String(b!.id);
  });

  test('the rebuild goes live; the unit page shows the list with 更新于 …（经审批） and its versions', async () => {
    const state = async () =>
      String((await rows('SELECT state, error FROM site_builds WHERE id = ?', [buildId]))[0]?.state);
    await waitFor(async () => ['live', 'failed'].includes(await state()), 'the rebuild', {
      timeoutMs: 900_000,
      intervalMs: 1000,
    });
    expect(await rows('SELECT state, error FROM site_builds WHERE id = ?', [buildId])).toMatchObject([
      { state: 'live', error: null },
    ]);
    const page = await browser.newPage({ locale: 'zh-CN', javaScriptEnabled: false });
    await page.goto(`${server.url}/units/${UNIT}/`);
    const main = await page.locator('main').innerText();
    expect(main).toContain('校服采购');
    expect(main).toContain('食堂公示栏、校园网、本网站');
    expect(main).toMatch(/更新于 .+（经审批）/);
    await accessible(page);
    await page.getByRole('link', { name: '查看历次版本' }).click();
    await page.waitForLoadState('load');
    const history = await page.locator('main').innerText();
    expect(history).toContain('第 1 版');
    expect(history).toContain('新增校服采购事项');
    await accessible(page);
    await page.close();
    // The publisher now edits the approved version.
    await publisher.goto(`${server.url}${PAGE}`);
    expect(await publisher.locator('[data-in-force]').getAttribute('data-in-force')).toBe('1');
  }, 960_000);
});
