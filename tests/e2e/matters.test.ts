import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { tables } from '../../src/site/disclosures/open-data.ts';
import { axeViolations, formatViolations, launchBrowser, watchPage } from '../support/browser.ts';
import { readBuilt } from '../support/built-site.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { fillTemplate } from '../support/sheets.ts';
import { UPLOAD_BODY_LIMIT } from '../../src/staff/upload.ts';
import { demoAccount, demoCode, signIn, signInInBrowser } from '../support/staff.ts';

/**
 * Issue 12, "Every carrier publishes": the general matter disclosure (事项公开) in the built site and in Chromium —
 * the list, a detail page and the unit pages of an agency, an enterprise and a hospital with 0 axe violations; the
 * open data; and, as the demo publisher, the matter template downloaded → filled → uploaded → checked, and the
 * plain HTML form (no JavaScript needed) with a field error, a refused attachment (an HTML file named .jpg) and then
 * a submission with a JPEG and a PDF attached, which the approver sees with the submission.
 */
const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;

describe('matters in the built site', () => {
  test('the detail page: power, decision date, publicity, amount, paragraphs, documents', () => {
    const html = readBuilt('disclosures/matters/qinglan-peoples-hospital-2026-drug-consumables/index.html');
    expect(html).toContain('所属小微权力清单事项');
    expect(html).toContain('药品耗材采购');
    expect(html).toContain('386,500.00');
    expect(html).toContain('新增品规目录');
    expect(html.match(/<p>[^<]*遴选[^<]*<\/p>/g)?.length).toBeGreaterThanOrEqual(2);
    const open = readBuilt('disclosures/matters/xixi-central-primary-2026-seating-rules/index.html');
    expect(open).toContain('未设结束日期');
  });

  test('agency, enterprise and hospital pages list their matters instead of “coming soon”', () => {
    for (const unit of ['natural-resources-bureau', 'qinglan-water', 'qinglan-peoples-hospital']) {
      const html = readBuilt(`units/${unit}/index.html`);
      expect(html, unit).toContain('事项公开');
      expect(html, unit).not.toContain('陆续上线');
      for (const m of published.matter.filter((e) => e.data.unit === unit))
        expect(html, unit).toContain(`/disclosures/matters/${m.id}/`);
    }
  });

  test('open data: matters.json counts every matter, matters.csv has a row each, the dictionary names its columns', () => {
    const data = JSON.parse(readBuilt('data/matters.json')) as { count: number; items: { id: string }[] };
    expect(data.count).toBe(published.matter.length);
    expect(data.items.map((i) => i.id).toSorted()).toEqual(published.matter.map((e) => e.id).toSorted());
    const csv = readBuilt('data/matters.csv');
    const table = tables.find((t) => t.name === 'matters')!;
    expect(csv.slice(1).split('\r\n')[0]).toBe(table.columns.map((c) => c.key).join(','));
    for (const m of published.matter) expect(csv).toContain(m.id);
    expect(readBuilt('data/index.html')).toContain('所属小微权力清单事项');
    expect(readBuilt('disclosures/feed.xml')).toContain('/disclosures/matters/');
  });
});

let server: TestServer;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'qinglian-matters-'));
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

describe('matter pages in Chromium', () => {
  test.each([
    '/disclosures/matters/',
    '/disclosures/matters/in/all/2026/',
    '/disclosures/in/hospital/all/all/',
    '/disclosures/matters/qinglan-peoples-hospital-2026-drug-consumables/',
    '/disclosures/matters/qinglan-water-2026-price-adjustment/',
    '/units/natural-resources-bureau/',
  ])('%s: 0 axe violations and a clean console', async (path) => {
    const page = await browser.newPage();
    try {
      const watcher = await watchPage(page);
      const response = await page.goto(server.url + path);
      expect(response?.status()).toBe(200);
      const violations = await axeViolations(page);
      expect(violations, formatViolations(violations)).toEqual([]);
      expect(await watcher.list()).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('publishing a matter as the demo publisher', () => {
  let page: Page;
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
  const expectAccessible = async () => {
    const violations = await axeViolations(page);
    expect(violations, `${page.url()}\n${formatViolations(violations)}`).toEqual([]);
  };

  test('template download → a power of no list named at its cell → fixed → no problems', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('li', { hasText: '事项公开' }).getByRole('link', { name: 'Excel 模板（.xlsx）' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('qinglian-matters-template.xlsx');
    const template = new Uint8Array(readFileSync(await download.path()));
    const matter = {
      id: 'xixi-central-primary-2026-winter-seating',
      data: {
        ...published.matter.find((e) => e.id === 'xixi-central-primary-2026-seating-rules')!.data,
        title: '寒假后座位调整说明',
      } as unknown as Record<string, unknown>,
    };
    const upload = async (data: Record<string, unknown>, name: string) => {
      const file = join(dir, name);
      writeFileSync(file, await fillTemplate(template, 'matter', [{ ...matter, data }], unitName));
      await page.getByLabel('公示类型').selectOption({ label: '事项公开' });
      await page.getByLabel(/^文件/).setInputFiles(file);
      await page.getByRole('button', { name: '检查文件' }).click();
      await page.waitForLoadState('load');
      await expectAccessible();
      return page.locator('main').innerText();
    };
    const bad = await upload({ ...matter.data, power: '村级小额工程项目' }, 'bad.xlsx');
    expect(bad).toContain('「公开事项」第 3 行「所属小微权力清单事项」：');
    expect(bad).toContain('disclosures.matter.unknownPower');
    const good = await upload(matter.data, 'good.xlsx');
    expect(good).toContain('未发现问题：共 1 条公示');
    expect(good).toContain('xixi-central-primary-2026-winter-seating');
    expect(good).toContain('个人信息检查：未发现');
  });

  test('the HTML form: a bad field is named (422), then a valid matter is submitted for approval', async () => {
    await page.goto(`${server.url}/staff/disclosures/matter/`);
    await expectAccessible();
    await page.getByLabel('编号').fill('hetang-village-2026-pond-cleaning');
    await page.getByLabel('公开单位').selectOption({ label: '南湖乡荷塘村' });
    await page.getByLabel('所属小微权力清单事项').selectOption({ label: '村级小额工程项目' });
    await page.getByLabel('公告标题').fill('荷塘村西塘清淤工程结果公开');
    await page.getByLabel('决定日期').fill('2026-10-10');
    await page.getByLabel('公示开始日期').fill('2026-11-02');
    await page.getByLabel('公示结束日期').fill('2026-10-30');
    await page.getByLabel('涉及金额（元）').fill('18000');
    await page.getByLabel('正文').fill('经村“两委”联席会议商议，对西塘进行清淤。\n工程已完工并验收。');
    const [bad] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/staff/disclosures/matter/') && r.request().method() === 'POST'),
      page.getByRole('button', { name: '检查并提交审核' }).click(),
    ]);
    expect(bad.status()).toBe(422);
    await page.waitForLoadState('load');
    await expectAccessible();
    expect(await page.locator('#error-summary').innerText()).toContain('公示结束日期');
    expect(await page.getByLabel('公告标题').inputValue()).toBe('荷塘村西塘清淤工程结果公开');

    await page.getByLabel('公示结束日期').fill('2026-11-10');
    // An HTML file named .jpg: refused by its content, named next to the field (422); nothing is stored (the same
    // id is accepted below as a new matter).
    const fake = join(dir, '清淤现场.jpg');
    writeFileSync(fake, '<!doctype html><title>x</title><script>alert(1)</script>');
    await page.getByLabel(/^附件/).setInputFiles(fake);
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/staff/disclosures/matter/') && r.request().method() === 'POST'),
      page.getByRole('button', { name: '检查并提交审核' }).click(),
    ]);
    expect(refused.status()).toBe(422);
    await page.waitForLoadState('load');
    await expectAccessible();
    expect(await page.locator('[data-attachment-error]').innerText()).toContain(
      '附件「清淤现场.jpg」不是 PDF、JPEG 或 PNG 文件',
    );
    expect(await page.locator('#error-summary').innerText()).toContain('attachment.type');
    expect(await page.getByLabel('公示结束日期').inputValue()).toBe('2026-11-10');

    const photo = join(dir, '清淤验收照片.jpg');
    writeFileSync(
      photo,
      await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 140, b: 60 } } })
        .jpeg()
        .toBuffer(),
    );
    const minutes = join(dir, '联席会议记录.pdf');
    writeFileSync(minutes, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    await page.getByLabel(/^附件/).setInputFiles([photo, minutes]);
    await page.getByRole('button', { name: '检查并提交审核' }).click();
    await page.waitForURL(/\/staff\/disclosures\/matter\/\?submitted=hetang-village-2026-pond-cleaning$/);
    await expectAccessible();
    expect(await page.locator('[data-done="matter"]').innerText()).toContain('已通过检查并提交审核');
    await page.goto(`${server.url}/staff/disclosures/`);
    expect(await page.locator('[data-my-submissions]').innerText()).toContain('hetang-village-2026-pond-cleaning');
  });

  test('the approver previews the submitted matter as the public will see it (0 axe violations)', async () => {
    const approver = await signInInBrowser(browser, server.url, 'demo.approver', '/staff/approvals/', {
      javaScript: true,
    });
    try {
      await approver
        .locator('tr', { hasText: 'hetang-village-2026-pond-cleaning' })
        .getByRole('link', { name: '预览并审批' })
        .click();
      await approver.waitForLoadState('load');
      const text = await approver.locator('main').innerText();
      expect(text).toContain('荷塘村西塘清淤工程结果公开');
      expect(text).toContain('所属小微权力清单事项');
      expect(text).toContain('村级小额工程项目');
      expect(text).toContain('18,000.00');
      expect(text).toContain('工程已完工并验收。');
      // The files sent with the form are the submission's attachments.
      expect(text).toContain('清淤验收照片.jpg');
      expect(text).toContain('联席会议记录.pdf');
      const violations = await axeViolations(approver);
      expect(violations, formatViolations(violations)).toEqual([]);
    } finally {
      await approver.context().close();
    }
  });

  test('the multipart form goes through the upload’s reader: a wrong CSRF token is 403, a body over the cap 413', async () => {
    const s = await signIn(server.url, 'demo.publisher', 1);
    const send = (token: string, bytes: number) => {
      const form = new FormData();
      form.set('_csrf', token);
      form.set('id', 'hetang-village-2026-refused');
      form.append('attachments', new Blob([new Uint8Array(bytes)]), 'scan.pdf');
      return fetch(`${server.url}/staff/disclosures/matter/`, {
        method: 'POST',
        headers: { cookie: s.cookie, origin: server.url },
        body: form,
        redirect: 'manual',
      });
    };
    expect((await send('not-the-token', 10)).status).toBe(403);
    expect((await send(s.csrf, UPLOAD_BODY_LIMIT + 1024)).status).toBe(413);
    // The right token and a small body reach the form, which names the missing fields and the empty file.
    const page = await send(s.csrf, 0);
    expect(page.status).toBe(422);
    expect(await page.text()).toContain('attachment.empty');
  });
});
