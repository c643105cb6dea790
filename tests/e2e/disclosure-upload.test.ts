import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { UPLOAD_BODY_LIMIT } from '../../src/staff/upload.ts';
import { axeViolations, formatViolations, launchBrowser } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { csvText, fillTemplate, followingCanteenMonth } from '../support/sheets.ts';
import { demoAccount, demoCode, signIn } from '../support/staff.ts';

/**
 * Issue 12 (spreadsheet half) in Chromium: the demo publisher signs in with password and TOTP, downloads a
 * template from /staff/disclosures/, the test fills it with ExcelJS with one arithmetic error, uploads it with
 * the no-JS form, sees the cell named, fixes it and sees "no problems" with the preview, the page saying
 * nothing was submitted; the same with a GB18030 CSV. axe 0 violations on every state. A body over the cap
 * is refused (413) without a 5xx.
 */
let server: TestServer;
let browser: Browser;
let page: Page;
const dir = mkdtempSync(join(tmpdir(), 'qinglian-upload-'));
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const month = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-08')!;

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
beforeAll(async () => {
  const context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  page = await context.newPage();
  await page.goto(`${server.url}/staff/login/?next=%2Fstaff%2Fdisclosures%2F`);
  const a = demoAccount('demo.publisher');
  await page.getByLabel('用户名').fill(a.username);
  await page.getByLabel('密码', { exact: true }).fill(a.password);
  await page.getByLabel('动态验证码').fill(demoCode('demo.publisher'));
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${server.url}/staff/disclosures/`);
  return () => context.close();
});

async function expectAccessible(): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${page.url()}\n${formatViolations(violations)}`).toEqual([]);
}

async function upload(kindLabel: string, file: string, button = '检查文件'): Promise<string> {
  await page.getByLabel('公示类型').selectOption({ label: kindLabel });
  await page.getByLabel(/^文件/).setInputFiles(file);
  await page.getByRole('button', { name: button }).click();
  await page.waitForLoadState('load');
  await expectAccessible();
  return page.locator('main').innerText();
}

describe('disclosure upload in Chromium', () => {
  test('template download → arithmetic error named at its cell → fixed → no problems, nothing submitted', async () => {
    await expectAccessible();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('li', { hasText: '学校食堂收支' }).getByRole('link', { name: 'Excel 模板（.xlsx）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('qinglian-canteen-accounts-template.xlsx');
    const template = new Uint8Array(readFileSync(await download.path()));
    const wrong = { ...month, data: { ...month.data, closingFen: month.data.closingFen + 1 } };
    const badFile = join(dir, 'month-wrong.xlsx');
    writeFileSync(badFile, await fillTemplate(template, 'canteenAccount', [wrong], unitName));
    const bad = await upload('学校食堂收支', badFile);
    expect(bad).toContain('检查结果，尚未提交');
    expect(bad).toContain('「月度收支」第 3 行「期末余额（元）」：');
    expect(bad).toContain('disclosures.canteen.balanceMismatch');

    const goodFile = join(dir, 'month.xlsx');
    writeFileSync(goodFile, await fillTemplate(template, 'canteenAccount', [month], unitName));
    const good = await upload('学校食堂收支', goodFile);
    expect(good).toContain('检查结果，尚未提交');
    expect(good).toContain('未发现问题：共 1 条公示');
    expect(good).toContain('xixi-central-primary-2026-08');
    expect(good).toContain('个人信息检查：未发现');
    expect(good).toContain('按时公布');
  });

  test('检查并提交审核 stores a valid new record as a submission; a permalink of content/ is refused', async () => {
    const template = new Uint8Array(
      Buffer.from(
        await (
          await fetch(`${server.url}/staff/disclosures/templates/canteen-accounts.xlsx`, {
            headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
          })
        ).arrayBuffer(),
      ),
    );
    const taken = join(dir, 'month-taken.xlsx');
    writeFileSync(taken, await fillTemplate(template, 'canteenAccount', [month], unitName));
    const refused = await upload('学校食堂收支', taken, '检查并提交审核');
    expect(refused).toContain('提交结果');
    expect(refused).toContain('该编号已被已公开的内容使用');
    expect(refused).toContain('store.disclosureId.inContent');

    const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!;
    const nov = followingCanteenMonth(oct, 'xixi-central-primary-2026-11', '2026-11', '2026-12-01');
    const file = join(dir, 'month-new.xlsx');
    writeFileSync(file, await fillTemplate(template, 'canteenAccount', [nov], unitName));
    const text = await upload('学校食堂收支', file, '检查并提交审核');
    expect(text).toContain('提交结果');
    expect(text).toContain('xixi-central-primary-2026-11');
    expect(text).toContain('已保存为待审核提交');

    const client = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
    try {
      const rs = await client.execute(
        "SELECT kind, unit_id, change, state, source_file_name, data FROM disclosure_submissions WHERE disclosure_id = 'xixi-central-primary-2026-11'",
      );
      expect(rs.rows).toHaveLength(1);
      expect(rs.rows[0]).toMatchObject({
        kind: 'canteenAccount',
        unit_id: 'xixi-central-primary',
        change: 'publish',
        state: 'submitted',
        source_file_name: 'month-new.xlsx',
      });
      expect(JSON.parse(String(rs.rows[0]?.data))).toMatchObject({ month: '2026-11', closingFen: nov.data.closingFen });
      const audit = await client.execute(
        "SELECT action FROM audit_events WHERE subject_type = 'disclosure' AND subject_id = 'xixi-central-primary-2026-11'",
      );
      expect(audit.rows.map((r) => r.action)).toEqual(['disclosure.submitted']);
    } finally {
      client.close();
    }
  });

  test('the same with a GB18030 CSV', async () => {
    const wrong = { ...month, data: { ...month.data, closingFen: month.data.closingFen - 100 } };
    const badFile = join(dir, 'month-wrong.csv');
    writeFileSync(badFile, iconv.encode(csvText('canteenAccount', [wrong], unitName), 'gb18030'));
    const bad = await upload('学校食堂收支', badFile);
    expect(bad).toMatch(/「月度收支」第 \d+ 行「期末余额（元）」：/);
    const goodFile = join(dir, 'month.csv');
    writeFileSync(goodFile, iconv.encode(csvText('canteenAccount', [month], unitName), 'gb18030'));
    expect(await upload('学校食堂收支', goodFile)).toContain('未发现问题：共 1 条公示');
  });

  test('a hostile file gets its typed refusal on the page, not a 5xx', async () => {
    const file = join(dir, 'not-a-sheet.xlsx');
    writeFileSync(file, Buffer.from('%PDF-1.7\n\u0000\u0001binary'));
    const text = await upload('学校食堂收支', file);
    expect(text).toContain('文件未被读取');
    expect(text).toContain('notSpreadsheet');
  });

  test('a body over the cap is refused with 413 before it is read, and a village kind is offered too', async () => {
    const s = await signIn(server.url, 'demo.publisher', 1);
    const form = new FormData();
    form.set('_csrf', s.csrf);
    form.set('kind', 'canteenAccount');
    // The cap leaves room for the attachments (src/staff/upload.ts).
    form.set('file', new Blob([new Uint8Array(UPLOAD_BODY_LIMIT + 200 * 1024)]), 'big.xlsx');
    const res = await fetch(`${server.url}/staff/disclosures/`, {
      method: 'POST',
      headers: { cookie: s.cookie, origin: server.url },
      body: form,
      redirect: 'manual',
    });
    expect(res.status).toBe(413);
    expect(
      await (
        await fetch(`${server.url}/staff/disclosures/templates/decisions.csv`, { headers: { cookie: s.cookie } })
      ).text(),
    ).toContain('【决策事项】');
    // A template of a kind none of the clerk's units publishes does not exist for them.
    expect(
      (await fetch(`${server.url}/staff/disclosures/templates/no-such-kind.xlsx`, { headers: { cookie: s.cookie } }))
        .status,
    ).toBe(404);
  });
});
