import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from '@libsql/client';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { readChain, verifyChain } from '../../src/db/audit-chain.ts';
import { permalink } from '../../src/domain/disclosures/kinds.ts';
import { loadBuildSettings } from '../../src/lib/config.ts';
import { expectAccessibleAsServed, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { csvText, fillTemplate, followingCanteenMonth } from '../support/sheets.ts';
import { signInInBrowser } from '../support/staff.ts';

/**
 * Issue 12, acceptance 1 and 3, end to end in Chromium WITHOUT JavaScript and without restarting the server:
 * the demo publisher downloads the canteen template from the page, the test fills it (ExcelJS) with one
 * arithmetic error, uploads it, sees the cell named, fixes it, sees the preview, submits; the demo approver
 * approves; the server's rebuild worker runs a real `astro build` and swaps it in; the new permalink is served
 * by the same process with a QR code to the configured site address. Then the same with a GB18030 CSV, as a
 * correction: the public page says 已更正 and names the changed field, and the audit chain verifies. axe on
 * every page state.
 */
let server: TestServer;
let browser: Browser;
let db: Client;
let publisher: Page;
let approver: Page;
const dir = mkdtempSync(join(tmpdir(), 'qinglian-live-'));
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!;
const nov = followingCanteenMonth(oct, 'xixi-central-primary-2026-11', '2026-11', '2026-12-01');
const path = permalink('canteenAccount', nov.id);

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  publisher = await signInInBrowser(browser, server.url, 'demo.publisher', '/staff/disclosures/');
  approver = await signInInBrowser(browser, server.url, 'demo.approver', '/staff/approvals/');
  return async () => {
    db.close();
    await browser.close();
    await server.stop();
    server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  };
}, 120_000);

const accessible = (page: Page) => expectAccessibleAsServed(browser, page);

/** Uploads `file` with the form holding `button`, and returns the page's main text. */
async function upload(file: string, button: string, fill?: (form: ReturnType<Page['locator']>) => Promise<void>) {
  await publisher.goto(`${server.url}/staff/disclosures/`);
  const form = publisher.locator('form', { has: publisher.getByRole('button', { name: button }) });
  await form.getByLabel('公示类型').selectOption({ label: '学校食堂收支' });
  await form.getByLabel(/^文件/).setInputFiles(file);
  await fill?.(form);
  await form.getByRole('button', { name: button }).click();
  await publisher.waitForLoadState('load');
  await accessible(publisher);
  return publisher.locator('main').innerText();
}

/** Approves the pending submission of `disclosureId` and returns the build request id the page links to. */
async function approve(disclosureId: string): Promise<string> {
  await approver.goto(`${server.url}/staff/approvals/`);
  await approver.locator('tr', { hasText: disclosureId }).getByRole('link', { name: '预览并审批' }).click();
  await approver.waitForLoadState('load');
  await accessible(approver);
  await approver.getByRole('button', { name: '批准', exact: true }).click();
  await approver.waitForLoadState('load');
  const href = await approver
    .locator('[data-done="approved"]')
    .getByRole('link', { name: '查看网站重建进度' })
    .getAttribute('href');
  const id = /^\/staff\/builds\/([0-9a-f-]{36})\/$/.exec(href ?? '')?.[1];
  expect(id, String(href)).toBeDefined();
  return id!;
}

/**
 * Follows the build's progress page (it refreshes itself with JavaScript; without, a link reloads it) until the build
 * is live and its search index step, when it has one, is over.
 */
async function untilLive(buildRequest: string): Promise<void> {
  await approver.goto(`${server.url}/staff/builds/${buildRequest}/`);
  await accessible(approver);
  // The same page with JavaScript, left open: it updates itself to 已上线 without a reload.
  const watcher = await browser.newPage({ locale: 'zh-CN' });
  await watcher.context().addCookies(await approver.context().cookies());
  await watcher.goto(`${server.url}/staff/builds/${buildRequest}/`);
  const initial = await watcher.locator('[data-build-progress]').getAttribute('data-finished');
  const deadline = Date.now() + 600_000;
  for (;;) {
    const state = (await db.execute({ sql: 'SELECT state, error FROM site_builds WHERE id = ?', args: [buildRequest] }))
      .rows[0]!;
    if (state.state === 'live') break;
    if (state.state === 'failed') throw new Error(`build failed: ${String(state.error)}`);
    if (Date.now() > deadline) throw new Error(`build still ${String(state.state)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  // An approval's build goes live before its search index: the page is finished once the index step after live is.
  const indexed = async () =>
    (await db.execute({ sql: 'SELECT index_state FROM site_builds WHERE id = ?', args: [buildRequest] })).rows[0]!
      .index_state !== 'pending';
  while (!(await indexed())) {
    if (Date.now() > deadline) throw new Error('search index still pending');
    await new Promise((r) => setTimeout(r, 1_000));
  }
  if (initial === 'false') {
    await watcher.locator('[data-build-progress][data-finished="true"]').waitFor({ timeout: 15_000 });
    expect(await watcher.locator('li[data-step="live"][data-done="true"]').count()).toBe(1);
  }
  await watcher.close();
  await approver.goto(`${server.url}/staff/builds/${buildRequest}/`);
  expect(await approver.locator('li[data-step="live"][data-done="true"]').count()).toBe(1);
  // The last step is current: live, or the search index step after it, updated.
  expect(await approver.locator('[aria-current="step"]').getAttribute('data-step')).toMatch(/^(live|index)$/);
  expect(await approver.locator('li[data-step="index"]:not([data-index-state="live"])').count()).toBe(0);
  await accessible(approver);
}

describe('from a spreadsheet to a live public page, without restarting the server', () => {
  test('xlsx: template → arithmetic error named at its cell → fixed → preview → submitted → approved → live with its QR code', async () => {
    expect((await fetch(`${server.url}${path}`)).status).toBe(404);
    const [download] = await Promise.all([
      publisher.waitForEvent('download'),
      publisher.locator('li', { hasText: '学校食堂收支' }).getByRole('link', { name: 'Excel 模板（.xlsx）' }).click(),
    ]);
    const template = new Uint8Array(readFileSync(await download.path()));
    const wrongFile = join(dir, 'nov-wrong.xlsx');
    const wrong = { ...nov, data: { ...nov.data, closingFen: nov.data.closingFen + 1 } };
    writeFileSync(wrongFile, await fillTemplate(template, 'canteenAccount', [wrong], unitName));
    const bad = await upload(wrongFile, '检查文件');
    expect(bad).toContain('「月度收支」第 3 行「期末余额（元）」：');

    const goodFile = join(dir, 'nov.xlsx');
    writeFileSync(goodFile, await fillTemplate(template, 'canteenAccount', [nov], unitName));
    const preview = await upload(goodFile, '检查文件');
    expect(preview).toContain('未发现问题：共 1 条公示');
    expect(preview).toContain('按时公布');
    expect(await upload(goodFile, '检查并提交审核')).toContain('已保存为待审核提交');

    await untilLive(await approve(nov.id));
    const page = await fetch(`${server.url}${path}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-qr-url="${new URL(path, loadBuildSettings().SITE_URL).href}"`);
    const pub = await browser.newPage({ javaScriptEnabled: false });
    await pub.goto(`${server.url}${path}`);
    await accessible(pub);
    await pub.close();
  }, 900_000);

  test('GB18030 CSV: a correction with an arithmetic error named → fixed → approved → live, 已更正 with the changed field; the audit chain verifies', async () => {
    const corrected = { ...nov, data: { ...nov.data, mealsServed: nov.data.mealsServed + 12 } };
    const wrong = { ...corrected, data: { ...corrected.data, closingFen: corrected.data.closingFen - 100 } };
    const wrongFile = join(dir, 'nov-wrong.csv');
    writeFileSync(wrongFile, iconv.encode(csvText('canteenAccount', [wrong], unitName), 'gb18030'));
    expect(await upload(wrongFile, '检查文件')).toMatch(/「月度收支」第 \d+ 行「期末余额（元）」：/);
    const goodFile = join(dir, 'nov-corrected.csv');
    writeFileSync(goodFile, iconv.encode(csvText('canteenAccount', [corrected], unitName), 'gb18030'));
    const text = await upload(goodFile, '检查并提交更正', (form) =>
      form.getByLabel('更正原因').fill('就餐人次录入有误'),
    );
    expect(text).not.toContain('检查结果，尚未提交');

    await untilLive(await approve(nov.id));
    const pub = await browser.newPage({ javaScriptEnabled: false });
    await pub.goto(`${server.url}${path}`);
    const main = await pub.locator('main').innerText();
    expect(main).toContain('已更正');
    expect(main).toContain('就餐人次录入有误');
    await accessible(pub);
    await pub.close();
    const versions = await db.execute({
      sql: 'SELECT version, change FROM disclosure_versions WHERE disclosure_id = ? ORDER BY version',
      args: [nov.id],
    });
    expect(versions.rows.map((r) => [r.version, r.change])).toEqual([
      [1, 'publish'],
      [2, 'correction'],
    ]);
    expect(verifyChain(await readChain(db)).ok).toBe(true);
  }, 900_000);
});
