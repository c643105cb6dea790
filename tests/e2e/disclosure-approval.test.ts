import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { fillTemplate, followingCanteenMonth } from '../support/sheets.ts';
import { signInInBrowser } from '../support/staff.ts';

/**
 * Issue 12 (the approval step) in Chromium WITHOUT JavaScript: the demo publisher submits a canteen month
 * with 检查并提交审核; the demo approver finds it in /staff/approvals/, previews it with the public
 * permalink page's own component (the markup compared with the public page of the same record), approves it
 * (version, audit rows, queued build, a link to the build's page); a return with a reason reaches the
 * publisher; an identifier in a reason or opinion → 422 naming the field, nothing stored; a village decision
 * needs the 村务监督委员会's review date and opinion, which are recorded. axe 0 violations on every page state.
 */
let server: TestServer;
let browser: Browser;
let db: Client;
let publisher: Page;
let approver: Page;
const dir = mkdtempSync(join(tmpdir(), 'qinglian-approval-'));
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const PHONE = '13812345678';

beforeAll(async () => {
  server = await startTestServer();
  return async () => {
    await server.stop();
    server.cleanup();
    rmSync(dir, { recursive: true, force: true });
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
  publisher = await signInInBrowser(browser, server.url, 'demo.publisher', '/staff/disclosures/');
  approver = await signInInBrowser(browser, server.url, 'demo.approver', '/staff/approvals/');
  return async () => {
    await publisher.context().close();
    await approver.context().close();
  };
});

const accessible = (page: Page) => expectAccessibleAsServed(browser, page);

async function cookieOf(page: Page): Promise<string> {
  return (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

/** The approver's POST without a browser (to send what the form's `required` fields would not let through). */
async function postAs(page: Page, path: string, fields: Record<string, string>) {
  const cookie = await cookieOf(page);
  const html = await (await fetch(`${server.url}${path}`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });
}

const rows = async (sql: string, args: (string | number)[] = []) => (await db.execute({ sql, args })).rows;
const submissionOf = async (disclosureId: string) =>
  (
    await rows('SELECT * FROM disclosure_submissions WHERE disclosure_id = ? ORDER BY submitted_at DESC', [
      disclosureId,
    ])
  )[0]!;
const auditOf = async (disclosureId: string) =>
  (
    await rows("SELECT action FROM audit_events WHERE subject_type = 'disclosure' AND subject_id = ? ORDER BY id", [
      disclosureId,
    ])
  ).map((r) => r.action);

/** The canteen template as the publisher downloads it. */
async function template(): Promise<Uint8Array> {
  const res = await fetch(`${server.url}/staff/disclosures/templates/canteen-accounts.xlsx`, {
    headers: { cookie: await cookieOf(publisher) },
  });
  return new Uint8Array(await res.arrayBuffer());
}
async function submitMonth(record: typeof nov, name: string): Promise<void> {
  const file = join(dir, name);
  writeFileSync(file, await fillTemplate(await template(), 'canteenAccount', [record], unitName));
  await publisher.goto(`${server.url}/staff/disclosures/`);
  const form = publisher.locator('form', { has: publisher.getByRole('button', { name: '检查并提交审核' }) });
  await form.getByLabel('公示类型').selectOption({ label: '学校食堂收支' });
  await form.getByLabel(/^文件/).setInputFiles(file);
  await form.getByRole('button', { name: '检查并提交审核' }).click();
  await publisher.waitForLoadState('load');
  expect(await publisher.locator('main').innerText()).toContain('已保存为待审核提交');
}

async function openFromQueue(disclosureId: string): Promise<void> {
  await approver.goto(`${server.url}/staff/approvals/`);
  await approver.locator('tr', { hasText: disclosureId }).getByRole('link', { name: '预览并审批' }).click();
  await approver.waitForLoadState('load');
}

const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!;
const nov = followingCanteenMonth(oct, 'xixi-central-primary-2026-11', '2026-11', '2026-12-01');

describe('approval in Chromium without JavaScript', () => {
  test('publisher submits → the approver’s queue lists it with kind, unit, slug, change, submitter and time', async () => {
    await submitMonth(nov, 'nov.xlsx');
    await approver.goto(`${server.url}/staff/approvals/`);
    const row = approver.locator('tr', { hasText: 'xixi-central-primary-2026-11' });
    const text = await row.innerText();
    for (const part of ['学校食堂收支', '西溪镇中心小学', '发布', '演示公示员（西溪镇中心小学、荷塘村）'])
      expect(text).toContain(part);
    expect(text).toMatch(/2026|20\d\d/);
    await accessible(approver);
  });

  test('the preview is the public page’s own component: the same markup as the public page of the same record', async () => {
    // The record of a published month under a new permalink: its detail must render exactly as the public
    // page of that month renders it (same component, same verdicts, same neighbouring months).
    const publisherId = (await rows("SELECT id FROM staff_accounts WHERE username = 'demo.publisher'"))[0]!.id;
    const twin = crypto.randomUUID();
    await db.execute({
      sql: `INSERT INTO disclosure_submissions (id, kind, unit_id, disclosure_id, change, data, source_file_name,
              submitted_by, submitted_at, state)
            VALUES (?, 'canteenAccount', 'xixi-central-primary', 'markup-twin', 'publish', ?, 'twin.xlsx', ?, ?, 'submitted')`,
      args: [twin, JSON.stringify(oct.data), `staff:${String(publisherId)}`, Date.now()],
    });
    await approver.goto(`${server.url}/staff/approvals/${twin}/`);
    await accessible(approver);
    const preview = await approver.locator('[data-preview-detail]').innerHTML();
    const publicPage = await (
      await fetch(`${server.url}/disclosures/canteen-accounts/xixi-central-primary-2026-10/`)
    ).text();
    const article = /<article class="disclosure"[^>]*>([\s\S]*?)<\/article>/.exec(publicPage)?.[1] ?? '';
    const detail = article.replace(/^[\s\S]*?<\/header>/, '');
    const norm = (html: string) => html.replace(/>\s+</g, '><').trim();
    expect(detail.length).toBeGreaterThan(500);
    expect(norm(preview)).toBe(norm(detail));
    // Return it so it leaves the queue (and check that a return needs no more than a reason).
    await approver.getByLabel('退回原因').fill('测试用重复记录');
    await approver.getByRole('button', { name: '退回', exact: true }).click();
    await approver.waitForLoadState('load');
    expect(await approver.locator('[data-done="rejected"]').count()).toBe(1);
  });

  test('return: a reason with a phone number → 422 naming the reason, nothing stored; then returned, and the publisher reads why (the queue test’s submission)', async () => {
    await openFromQueue('xixi-central-primary-2026-11');
    await approver.getByLabel('退回原因').fill(`支出明细不全，请联系 ${PHONE} 补充`);
    const [res] = await Promise.all([
      approver.waitForResponse((r) => r.request().method() === 'POST'),
      approver.getByRole('button', { name: '退回', exact: true }).click(),
    ]);
    expect(res.status()).toBe(422);
    await approver.waitForLoadState('load');
    expect(await approver.locator('#error-summary').innerText()).toContain('原因中不能含有身份证号、手机号、银行卡号');
    await accessible(approver);
    const pending = await submissionOf('xixi-central-primary-2026-11');
    expect(pending).toMatchObject({ state: 'submitted', rejection_reason: null });
    expect(await auditOf('xixi-central-primary-2026-11')).toEqual(['disclosure.submitted']);

    await approver.getByLabel('退回原因').fill('支出明细不全，请补充燃料费票据');
    await approver.getByRole('button', { name: '退回', exact: true }).click();
    await approver.waitForLoadState('load');
    expect(await approver.locator('[data-done="rejected"]').count()).toBe(1);
    expect(await auditOf('xixi-central-primary-2026-11')).toEqual(['disclosure.submitted', 'disclosure.rejected']);
    await publisher.goto(`${server.url}/staff/disclosures/`);
    const mine = await publisher
      .locator('[data-my-submissions] tr', { hasText: 'xixi-central-primary-2026-11' })
      .innerText();
    expect(mine).toContain('已退回');
    expect(mine).toContain('退回原因：支出明细不全，请补充燃料费票据');
  });

  test('resubmitted after the return → approve → confirmation with the build request and its page; version, audit rows and queued build', async () => {
    await submitMonth(nov, 'nov-again.xlsx');
    await openFromQueue('xixi-central-primary-2026-11');
    const main = await approver.locator('main').innerText();
    expect(main).toContain('公开页面预览');
    expect(main).toContain('未发现身份证号、手机号、银行卡号等个人信息');
    expect(await approver.locator('[data-preview-detail] h2').count()).toBeGreaterThan(0);
    await accessible(approver);
    await approver.getByRole('button', { name: '批准', exact: true }).click();
    await approver.waitForLoadState('load');
    const done = approver.locator('[data-done="approved"]');
    expect(await done.innerText()).toMatch(/已批准，第 1 版已保存。网站重建请求编号：[0-9a-f-]{36}/);
    const link = await done.getByRole('link', { name: '查看网站重建进度' }).getAttribute('href');
    const build = (await rows('SELECT id, state, reason FROM site_builds ORDER BY requested_at DESC LIMIT 1'))[0]!;
    expect(link).toBe(`/staff/builds/${String(build.id)}/`);
    expect(build).toMatchObject({ state: 'queued', reason: 'approval' });
    await accessible(approver);

    const version = (
      await rows("SELECT * FROM disclosure_versions WHERE disclosure_id = 'xixi-central-primary-2026-11'")
    )[0]!;
    expect(version).toMatchObject({ version: 1, change: 'publish', supervision: null });
    expect(JSON.parse(String(version.data))).toMatchObject({ month: '2026-11' });
    expect(await auditOf('xixi-central-primary-2026-11')).toEqual([
      'disclosure.submitted',
      'disclosure.rejected',
      'disclosure.submitted',
      'disclosure.approved',
    ]);
    expect((await submissionOf('xixi-central-primary-2026-11')).state).toBe('approved');
    // Gone from the queue; the publisher sees it approved.
    await approver.goto(`${server.url}/staff/approvals/`);
    expect(await approver.locator('main').innerText()).not.toContain('xixi-central-primary-2026-11');
    await publisher.goto(`${server.url}/staff/disclosures/`);
    const mine = publisher.locator('[data-my-submissions] tr[data-state="approved"]', {
      hasText: 'xixi-central-primary-2026-11',
    });
    expect(await mine.innerText()).toContain('已批准');
    await accessible(publisher);
  });

  test('a correction shows the changed fields against the latest version; an ID in its reason → 422', async () => {
    const corrected = { ...nov, data: { ...nov.data, mealsServed: nov.data.mealsServed + 1 } };
    const file = join(dir, 'nov-corrected.xlsx');
    writeFileSync(file, await fillTemplate(await template(), 'canteenAccount', [corrected], unitName));
    await publisher.goto(`${server.url}/staff/disclosures/`);
    const form = publisher.locator('form#correct');
    await form.getByLabel('公示类型').selectOption({ label: '学校食堂收支' });
    await form.getByLabel(/^文件/).setInputFiles(file);
    await form.getByLabel('更正原因').fill('就餐天数录错，经办人身份证 11010519491231002X');
    const [bad] = await Promise.all([
      publisher.waitForResponse((r) => r.request().method() === 'POST'),
      form.getByRole('button', { name: '检查并提交更正' }).click(),
    ]);
    expect(bad.status()).toBe(422);
    await publisher.waitForLoadState('load');
    const main = await publisher.locator('main').innerText();
    expect(await publisher.locator('form#correct').innerText(), main).toContain('原因中不能含有身份证号');
    await accessible(publisher);
    expect((await rows("SELECT id FROM disclosure_submissions WHERE change = 'correction'")).length).toBe(0);

    const again = publisher.locator('form#correct');
    await again.getByLabel('公示类型').selectOption({ label: '学校食堂收支' });
    await again.getByLabel(/^文件/).setInputFiles(file);
    await again.getByLabel('更正原因').fill('就餐天数录错');
    await again.getByRole('button', { name: '检查并提交更正' }).click();
    await publisher.waitForLoadState('load');
    expect(await publisher.locator('main').innerText()).toContain('已保存为待审核提交');

    await openFromQueue('xixi-central-primary-2026-11');
    const diff = await approver.locator('[data-diff]').innerText();
    expect(diff).toContain('与现行版本（第 1 版）相比改动的字段');
    expect(diff).toContain(String(nov.data.mealsServed));
    expect(diff).toContain(String(nov.data.mealsServed + 1));
    expect(await approver.locator('[data-change="correction"]').innerText()).toBe('更正');
    await accessible(approver);
  });

  test('a village decision needs the committee’s review date and opinion; an identifier in the opinion → 422; then recorded', async () => {
    const source = published.decision.find((e) => e.data.unit === 'hetang-village')!;
    const publisherId = (await rows("SELECT id FROM staff_accounts WHERE username = 'demo.publisher'"))[0]!.id;
    const id = crypto.randomUUID();
    await db.execute({
      sql: `INSERT INTO disclosure_submissions (id, kind, unit_id, disclosure_id, change, data, source_file_name,
              submitted_by, submitted_at, state)
            VALUES (?, 'decision', 'hetang-village', 'hetang-decision-e2e', 'publish', ?, 'decision.xlsx', ?, ?, 'submitted')`,
      args: [id, JSON.stringify(source.data), `staff:${String(publisherId)}`, Date.now()],
    });
    const path = `/staff/approvals/${id}/`;
    const missing = await postAs(approver, path, { action: 'approve', reviewedOn: '', opinion: '' });
    expect(missing.status).toBe(422);
    const body = await missing.text();
    expect(body).toContain('请填写审核日期');
    expect(body).toContain('请填写审核意见');

    await approver.goto(`${server.url}${path}`);
    expect(await approver.locator('main').innerText()).toContain('批准即村务监督委员会的审核签章');
    await accessible(approver);
    await approver.getByLabel('村务监督委员会审核日期').fill('2026-01-01');
    await approver.getByLabel('村务监督委员会审核意见').fill(`同意公开，联系人 ${PHONE}`);
    const [bad] = await Promise.all([
      approver.waitForResponse((r) => r.request().method() === 'POST'),
      approver.getByRole('button', { name: '批准', exact: true }).click(),
    ]);
    expect(bad.status()).toBe(422);
    await approver.waitForLoadState('load');
    expect(await approver.locator('#error-summary').innerText()).toContain('审核意见中不能含有');
    await accessible(approver);
    expect(await rows("SELECT id FROM disclosure_versions WHERE disclosure_id = 'hetang-decision-e2e'")).toEqual([]);

    await approver.getByLabel('村务监督委员会审核意见').fill('同意公开');
    await approver.getByRole('button', { name: '批准', exact: true }).click();
    await approver.waitForLoadState('load');
    const text = await approver.locator('main').innerText();
    expect(text, text).toContain('已批准，第 1 版已保存');
    const [version] = await rows(
      "SELECT supervision FROM disclosure_versions WHERE disclosure_id = 'hetang-decision-e2e'",
    );
    expect(JSON.parse(String(version!.supervision))).toEqual({ reviewedOn: '2026-01-01', opinion: '同意公开' });
  });

  test('a withdrawal reason with a phone number → 422 naming the reason, nothing stored', async () => {
    await publisher.goto(`${server.url}/staff/disclosures/`);
    const form = publisher.locator('form#withdraw');
    await form.getByLabel('要撤回的公示').selectOption({ value: 'hetang-decision-e2e' });
    await form.getByLabel('撤回原因').fill(`重复公示，联系 ${PHONE}`);
    const [res] = await Promise.all([
      publisher.waitForResponse((r) => r.request().method() === 'POST'),
      form.getByRole('button', { name: '提交撤回申请' }).click(),
    ]);
    expect(res.status()).toBe(422);
    await publisher.waitForLoadState('load');
    expect(await publisher.locator('form#withdraw').innerText()).toContain('原因中不能含有');
    await accessible(publisher);
    expect((await rows("SELECT id FROM disclosure_submissions WHERE change = 'withdrawal'")).length).toBe(0);
  });
});
