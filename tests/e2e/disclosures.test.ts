import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { axeViolations, formatViolations, launchBrowser, watchPage, WECHAT_360 } from '../support/browser.ts';
import { builtFiles, builtOn, builtTextFiles, pageWeight, readBuilt, sitePath } from '../support/built-site.ts';
import { ocdsPackageValidator } from '../support/ocds.ts';
import { decodeQrPath } from '../support/qr-decode.ts';
import { findPersonalData } from '../../src/domain/disclosures/personal-data.ts';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { overdueEntries } from '../../src/domain/disclosures/due.ts';
import { publicAidList } from '../../src/domain/disclosures/student-aid/rules.ts';
import { tables } from '../../src/site/disclosures/open-data.ts';
import { chinaCalendar } from '../support/calendar.ts';
import { loadBuildSettings } from '../../src/lib/config.ts';

const BUDGET_BYTES = 30 * 1024;
// The origin the build under test was made with (SITE_URL, or its default).
const SITE = loadBuildSettings().SITE_URL;
const disclosures = readDisclosures();
const today = builtOn();

describe('issue 14: the widened formats are published as built pages', () => {
  test('DOMAIN.md §3.1: a deficit month is published with its flag; the food-cost share has two decimals over meal fees only', () => {
    const html = readBuilt('disclosures/canteen-accounts/nanhu-nine-year-school-2026-10/index.html');
    expect(html).toContain('期末余额不为负（无赤字）');
    expect(html).toContain('食堂账户出现赤字');
    expect(html).toMatch(/食材支出占伙食费收入比例（不含补助）<\/dt>\s*<dd>\s*\d+\.\d{2}%/);
  });

  test('DOMAIN.md §2.5 / §1.3: a works contract with a Han contract number and no subject, linked to its decision', () => {
    const html = readBuilt('disclosures/collective-assets/liuwan-village-2026/index.html');
    expect(html).toContain('柳湾村〔2026〕2号');
    expect(readBuilt('data/collective-assets-contracts.csv')).toContain('柳湾村〔2026〕2号');
  });

  test('DOMAIN.md §1.1: merged stage shown as one meeting under 一肩挑; after-vote facts and a planned completion (pending)', () => {
    const merged = readBuilt('disclosures/decisions/shiqiao-community-shopfront-lease/index.html');
    expect(merged).toContain('党组织提议与“两委”商议（合并召开）');
    expect(merged).toContain('书记主任“一肩挑”，提议与“两委”商议合并召开，符合规定。');
    const road = readBuilt('disclosures/decisions/liuwan-village-road-hardening/index.html');
    expect(road).toContain('开工');
    expect(road).toContain('签订合同、开工均在');
    const lotus = readBuilt('disclosures/decisions/hetang-village-lotus-land-transfer/index.html');
    expect(lotus).toContain('具有完全民事行为能力的成员');
  });

  test('DOMAIN.md §3.5: an aid list without an end date shows the computed end', () => {
    const html = readBuilt('disclosures/student-aid/xixi-central-primary-2026-autumn-combined/index.html');
    expect(html).toContain('公示截止日未写明，按 5 个工作日推算为');
  });
});

describe('the built site and its exports', () => {
  test('no resident ID, mobile number or bank card anywhere in dist/client', () => {
    const files = builtTextFiles();
    expect(files.length).toBeGreaterThan(150);
    expect(files.some((f) => f.endsWith('.csv'))).toBe(true);
    const found = files.flatMap((f) =>
      findPersonalData(readFileSync(f, 'utf8')).map((m) => `${sitePath(f)}: ${m.kind} ${m.excerpt}`),
    );
    expect(found).toEqual([]);
  });

  test('an aid list whose publicity ended shows no names, on its page or in the data', () => {
    const ended = disclosures.studentAid.filter((e) => publicAidList(e.data, today, chinaCalendar).status !== 'active');
    expect(ended.length).toBeGreaterThan(0);
    const csv = readBuilt('data/student-aid.csv');
    const json = readBuilt('data/student-aid.json');
    for (const e of ended) {
      const html = readBuilt(`disclosures/student-aid/${e.id}/index.html`);
      for (const r of e.data.recipients) expect(html).not.toContain(`>${r.name}<`);
      expect(csv).not.toContain(`,${e.id},`);
      expect(csv.split('\n').some((line) => line.startsWith(`${e.id},`))).toBe(false);
      const item = (JSON.parse(json) as { items: { id: string; data: { recipients: unknown[] } }[] }).items.find(
        (i) => i.id === e.id,
      )!;
      expect(item.data.recipients).toEqual([]);
    }
  });

  test('disclosure pages ship no JavaScript but the site-wide page script and weigh at most 30 KB (HTML + CSS, gzip)', () => {
    const pages = builtFiles().filter(
      (f) =>
        f.endsWith('.html') &&
        (sitePath(f).startsWith('/disclosures/') || sitePath(f).startsWith('/units/') || sitePath(f) === '/data/'),
    );
    expect(pages.length).toBeGreaterThan(100);
    const heaviest = pages
      .map((f) => ({ page: sitePath(f), ...pageWeight(f) }))
      .toSorted((a, b) => b.html + b.css - (a.html + a.css));
    // The one script every page has (src/scripts/page.ts: the larger-text switch, the wide-table hint),
    // a single small module with no imports; nothing else.
    const pageScript =
      /^<script type="module" src="\/_astro\/Layout\.astro_astro_type_script_index_0_lang\.[\w-]+\.js">$/;
    for (const p of heaviest) {
      expect(p.scripts, p.page).toEqual([expect.stringMatching(pageScript)]);
      expect(p.html + p.css, p.page).toBeLessThanOrEqual(BUDGET_BYTES);
    }

    console.info(
      `heaviest disclosure page: ${heaviest[0]!.page} ${heaviest[0]!.html} + ${heaviest[0]!.css} bytes gzip`,
    );
  });

  test('the OCDS release package in the build validates against the official 1.1.5 schema', () => {
    const validate = ocdsPackageValidator();
    const ok = validate(JSON.parse(readBuilt('data/ocds/release-package.json')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('CSV files have the dictionary columns and one row per record', () => {
    for (const table of tables) {
      const csv = readBuilt(`data/${table.name}.csv`);
      // UTF-8 with a byte-order mark (Excel on Chinese Windows needs it), then the dictionary's field names.
      expect(csv.startsWith('\uFEFF'), table.name).toBe(true);
      const [header] = csv.slice(1).split('\r\n');
      expect(header, table.name).toBe(table.columns.map((c) => c.key).join(','));
    }
    // One row per filed month, plus one per month owed and overdue (tests/e2e/overdue.test.ts).
    const overdueMonths = overdueEntries({ ...disclosures, units: readRegistry().units }, today).filter(
      (o) => o.kind === 'canteenAccount',
    );
    expect(readBuilt('data/canteen-accounts.csv').trim().split('\r\n')).toHaveLength(
      disclosures.canteenAccount.length + overdueMonths.length + 1,
    );
    expect(readBuilt('data/decisions.csv').trim().split('\r\n')).toHaveLength(disclosures.decision.length + 1);
    const dictionary = readBuilt('data/index.html');
    for (const table of tables)
      for (const c of table.columns) expect(dictionary, `${table.name}.${c.key}`).toContain(`<code>${c.key}</code>`);
  });

  test('JSON collections parse and count every record', () => {
    const counts: Record<string, number> = {
      procurements: disclosures.procurement.length,
      'canteen-accounts': disclosures.canteenAccount.length,
      'student-aid': disclosures.studentAid.length,
      'collective-assets': disclosures.collectiveAssets.length,
      decisions: disclosures.decision.length,
    };
    for (const [name, count] of Object.entries(counts)) {
      const data = JSON.parse(readBuilt(`data/${name}.json`)) as { count: number; items: unknown[] };
      expect(data.count, name).toBe(count);
      expect(data.items).toHaveLength(count);
    }
  });
});

describe('disclosure pages in Chromium', () => {
  let server: TestServer;
  let browser: Browser;

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

  const pages = [
    '/disclosures/',
    '/disclosures/in/school/xixi/2026/',
    '/disclosures/canteen-accounts/',
    '/disclosures/canteen-accounts/in/all/all/2/',
    '/disclosures/decisions/in/all/2026/',
    '/disclosures/procurements/xixi-central-primary-2026-uniforms/',
    '/disclosures/procurements/nanhu-nine-year-school-2026-canteen-supplies/',
    '/disclosures/canteen-accounts/qinglan-no1-middle-school-2026-01/',
    '/disclosures/student-aid/xixi-central-primary-2026-spring-boarding/',
    '/disclosures/student-aid/nanhu-nine-year-school-2026-autumn-boarding/',
    '/disclosures/collective-assets/liuwan-village-2026/',
    '/disclosures/decisions/liuwan-village-fish-pond-lease/',
    '/disclosures/decisions/shiqiao-community-shopfront-lease/',
    '/units/xixi-central-primary/',
    '/units/liuwan-village/',
    '/search/',
    '/data/',
  ];

  test.each(pages)('%s: 0 axe violations (WCAG 2.2 AA) and a clean console under the real CSP', async (path) => {
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

  describe('WeChat in-app browser, 360 px wide', () => {
    let context: BrowserContext;
    beforeAll(async () => {
      context = await browser.newContext(WECHAT_360);
      return () => context.close();
    });

    test('no page scrolls sideways (wide tables scroll inside their box)', async () => {
      const page = await context.newPage();
      const wide: string[] = [];
      for (const path of pages) {
        await page.goto(server.url + path);
        const width = await page.evaluate(() =>
          Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
        );
        if (width > 360) wide.push(`${path}: ${width}px`);
      }
      expect(wide).toEqual([]);
      await page.close();
    });

    test.each([
      '/disclosures/procurements/xixi-central-primary-2026-uniforms/',
      '/disclosures/canteen-accounts/qinglan-no1-middle-school-2026-01/',
      '/disclosures/student-aid/nanhu-nine-year-school-2026-autumn-boarding/',
      '/disclosures/collective-assets/liuwan-village-2026/',
      '/disclosures/decisions/liuwan-village-fish-pond-lease/',
    ])('%s: 0 axe violations at 360 px', async (path) => {
      const page = await context.newPage();
      await page.goto(server.url + path);
      const violations = await axeViolations(page);
      expect(violations, formatViolations(violations)).toEqual([]);
      await page.close();
    });
  });

  test('a non-compliant decision says so and explains each failed check', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/disclosures/decisions/liuwan-village-fish-pond-lease/`);
    const failed = await page.locator('.check-fail').allTextContents();
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const text of failed) expect(text.length).toBeGreaterThan(15);
    expect(await page.locator('.verdict-nonCompliant').count()).toBe(1);
    await page.close();
  });

  test('printed for the notice board: no navigation, a large QR code that opens the permalink', async () => {
    const page = await browser.newPage();
    const path = '/disclosures/procurements/xixi-central-primary-2026-uniforms/';
    await page.goto(server.url + path);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-nav').isVisible()).toBe(false);
    expect(await page.locator('.breadcrumbs').isVisible()).toBe(false);
    const qr = page.locator('svg.qr-code');
    expect(await qr.isVisible()).toBe(true);
    const box = (await qr.boundingBox())!;
    expect(box.width).toBeGreaterThan(120); // 35 mm at 96 dpi is 132 px
    const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(fontSize).toBeGreaterThanOrEqual(14); // 11 pt
    const [size, d] = await qr.evaluate((svg) => [
      svg.getAttribute('viewBox')!.split(' ')[2],
      svg.querySelector('path')!.getAttribute('d'),
    ]);
    expect(decodeQrPath(Number(size), d!)).toBe(SITE + path);
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.byteLength).toBeGreaterThan(10_000);
    await page.close();
  });

  test('search works with JavaScript, in Chinese, under the real CSP, and never finds aid lists', async () => {
    const page = await browser.newPage();
    const watcher = await watchPage(page);
    const response = await page.goto(`${server.url}/search/`);
    expect(response!.headers()['content-security-policy']).toContain("'wasm-unsafe-eval'");
    await page.fill('#search-query', '\u6821\u670d');
    await page.click('.search-form button');
    const hit = page.locator('.search-results a[href="/disclosures/procurements/xixi-central-primary-2026-uniforms/"]');
    await hit.waitFor({ timeout: 15_000 });
    await page.fill('#search-query', '\u5bc4\u5bbf\u751f\u751f\u6d3b\u8865\u52a9');
    await page.click('.search-form button');
    await page.locator('[data-search-results] p').first().waitFor();
    await page.waitForFunction(
      () => !document.querySelector('[data-search-results]')!.textContent.includes('\u2026\u2026'),
    );
    expect(await page.locator('.search-results a[href*="/student-aid/"]').count()).toBe(0);
    expect(await watcher.list()).toEqual([]);
    await page.close();
  });

  test('search: 陪餐 leads to the 陪餐 form; each result names its kind and unit; no result is repeated', async () => {
    const page = await browser.newPage();
    const watcher = await watchPage(page);
    await page.goto(`${server.url}/search/?q=${encodeURIComponent('陪餐')}`);
    const form = page.locator('.search-results a[href="/feedback/meal/"]');
    await form.waitFor({ timeout: 15_000 });
    expect(await form.textContent()).toBe('家长陪餐记录');
    expect(await page.locator('.search-results li').first().locator('[data-result-context]').textContent()).toBe(
      '表单',
    );
    // A disclosure query: every result says its kind and unit, and no two results say the same.
    await page.fill('#search-query', '食堂');
    await page.click('.search-form button');
    await page.locator('.search-results li').first().waitFor({ timeout: 15_000 });
    await page.waitForFunction(
      () => !document.querySelector('[data-search-results]')!.textContent.includes('\u2026\u2026'),
    );
    const rows = await page.locator('.search-results li').evaluateAll((lis) =>
      lis.map((li) => ({
        href: li.querySelector('a')!.getAttribute('href')!,
        title: li.querySelector('a')!.textContent,
        context: li.querySelector('[data-result-context]')!.textContent,
      })),
    );
    expect(rows.length).toBeGreaterThan(1);
    const disclosureRows = rows.filter((r) => r.href.startsWith('/disclosures/'));
    expect(disclosureRows.length).toBeGreaterThan(0);
    for (const r of disclosureRows) expect(r.context.split(' · ').length, JSON.stringify(r)).toBeGreaterThanOrEqual(2);
    expect(new Set(rows.map((r) => r.href)).size).toBe(rows.length);
    expect(new Set(rows.map((r) => `${r.title}|${r.context}`)).size).toBe(rows.length);
    expect(await watcher.list()).toEqual([]);
    await page.close();
  });

  test('without JavaScript the search page is a plain list of links and shows no dead form', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/search/`);
    expect(await page.locator('form.search-form').isVisible()).toBe(false);
    expect(await page.locator('.search-list a').count()).toBeGreaterThan(40);
    expect(await page.locator('.search-list a[href*="/student-aid/"]').count()).toBe(0);
    await context.close();
  });

  test('other pages keep the strict CSP; the Atom feed is well-formed', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${server.url}/disclosures/`);
    expect(response!.headers()['content-security-policy']).not.toContain('wasm');
    const feed = await (await fetch(`${server.url}/disclosures/feed.xml`)).text();
    const result = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      return {
        error: doc.querySelector('parsererror')?.textContent ?? null,
        entries: doc.getElementsByTagName('entry').length,
      };
    }, feed);
    expect(result.error).toBeNull();
    expect(result.entries).toBeGreaterThan(10);
    expect(result.entries).toBeLessThanOrEqual(50);
    await page.close();
  });
});
