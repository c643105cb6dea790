import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { axeViolations, formatViolations, launchBrowser, noJsPage, watchPage } from '../support/browser.ts';
import { builtOn, readBuilt } from '../support/built-site.ts';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { overdueEntries, periodDeadline } from '../../src/domain/disclosures/due.ts';
import { daysBetween } from '../../src/domain/calendar/dates.ts';
import { loadBuildSettings } from '../../src/lib/config.ts';

/**
 * Issue 12 "What is missing shows" on the built demo city: a period owed and not published by its deadline is
 * 逾期未公示 with its days overdue, on the unit page, above the kind's list and in the open data. The demo owes
 * 南湖乡九年一贯制学校's canteen accounts from 2025-09 (first filed: 2025-11) and 柳湾村's ledger from 2025-Q4 (first
 * file: 2026), so those periods are overdue on any build day after 2026-01-20.
 */
const SITE = loadBuildSettings().SITE_URL;
const today = builtOn();
const registry = readRegistry();
const expected = overdueEntries({ ...readDisclosures(), units: registry.units }, today);
const slugs = { canteenAccount: 'canteen-accounts', collectiveAssets: 'collective-assets' } as const;

describe('overdue periods in the built pages and open data', () => {
  test('the demo city owes the periods its unit files configure, counted from the day after each deadline', () => {
    expect(expected).toEqual(
      expect.arrayContaining([
        {
          unit: 'nanhu-nine-year-school',
          kind: 'canteenAccount',
          period: '2025-09',
          deadline: '2025-10-15',
          daysOverdue: daysBetween('2025-10-15', today),
        },
        {
          unit: 'nanhu-nine-year-school',
          kind: 'canteenAccount',
          period: '2025-10',
          deadline: '2025-11-15',
          daysOverdue: daysBetween('2025-11-15', today),
        },
        {
          unit: 'liuwan-village',
          kind: 'collectiveAssets',
          period: '2025-Q4',
          deadline: '2026-01-20',
          daysOverdue: daysBetween('2026-01-20', today),
        },
      ]),
    );
    // Units that filed every due period have nothing overdue (xixi files from 2025-11 on; a month is owed from its deadline).
    expect(expected.every((o) => o.daysOverdue >= 1 && o.deadline < today)).toBe(true);
  });

  test('each overdue period is a marked row on its unit page (#overdue) and on its kind’s list', () => {
    for (const o of expected) {
      const unitPage = readBuilt(`units/${o.unit}/index.html`);
      const list = readBuilt(`disclosures/${slugs[o.kind]}/index.html`);
      for (const html of [unitPage, list]) {
        const row = new RegExp(`<tr data-overdue="${o.unit}:${o.period}"[^>]*>([\\s\\S]*?)</tr>`).exec(html)?.[1];
        expect(row, `${o.unit} ${o.period}`).toBeDefined();
        expect(row).toContain('逾期未公示');
        expect(row).toContain(`${o.daysOverdue} 天`);
      }
      expect(unitPage).toContain('id="overdue"');
    }
    // A unit with nothing overdue has no such section; the list's township and year filters apply to the section.
    expect(readBuilt('units/xixi-central-primary/index.html')).not.toContain('data-overdue=');
    expect(readBuilt('disclosures/canteen-accounts/in/nanhu/2025/index.html')).toContain(
      'data-overdue="nanhu-nine-year-school:2025-09"',
    );
    expect(readBuilt('disclosures/canteen-accounts/in/nanhu/2026/index.html')).not.toContain(
      'data-overdue="nanhu-nine-year-school:2025-09"',
    );
    expect(readBuilt('disclosures/canteen-accounts/in/xixi/all/index.html')).not.toContain(
      'data-overdue="nanhu-nine-year-school',
    );
  });

  test('the kind’s JSON lists them with status, period, deadline and daysOverdue; other kinds have no such list', () => {
    for (const kind of ['canteenAccount', 'collectiveAssets'] as const) {
      const json = JSON.parse(readBuilt(`data/${slugs[kind]}.json`)) as {
        overdueCount: number;
        overdue: {
          status: string;
          unit: { id: string };
          url: string;
          period: string;
          deadline: string;
          daysOverdue: number;
        }[];
      };
      const mine = expected.filter((o) => o.kind === kind);
      expect(json.overdueCount).toBe(mine.length);
      expect(
        json.overdue.map((o) => ({
          status: o.status,
          unit: o.unit.id,
          period: o.period,
          deadline: o.deadline,
          daysOverdue: o.daysOverdue,
        })),
      ).toEqual(
        mine.map((o) => ({
          status: 'overdue',
          unit: o.unit,
          period: o.period,
          deadline: o.deadline,
          daysOverdue: o.daysOverdue,
        })),
      );
      for (const o of json.overdue) expect(o.url).toBe(new URL(`/units/${o.unit.id}/#overdue`, SITE).href);
    }
    expect(JSON.parse(readBuilt('data/procurements.json'))).not.toHaveProperty('overdue');
  });

  test('the CSVs carry them as rows with status overdue; filed rows say filed', () => {
    // No field of these rows holds a comma (names, codes, dates, numbers).
    const rows = (name: string): Record<string, string>[] => {
      const [header, ...lines] = readBuilt(`data/${name}.csv`).slice(1).trim().split('\r\n');
      const keys = header!.split(',');
      return lines.map((l) => Object.fromEntries(l.split(',').map((v, i): [string, string] => [keys[i] ?? '', v])));
    };
    const canteen = rows('canteen-accounts');
    expect(canteen.filter((r) => r.status === 'overdue')).toEqual(
      expected
        .filter((o) => o.kind === 'canteenAccount')
        .map((o): unknown =>
          expect.objectContaining({
            id: '',
            unit: o.unit,
            month: o.period,
            deadline: o.deadline,
            daysOverdue: String(o.daysOverdue),
            incomeYuan: '',
          }),
        ),
    );
    expect(canteen.filter((r) => r.status === 'filed')).toHaveLength(readDisclosures().canteenAccount.length);
    const quarters = rows('collective-assets-quarters');
    expect(quarters.filter((r) => r.status === 'overdue')).toEqual(
      expected
        .filter((o) => o.kind === 'collectiveAssets')
        .map((o): unknown =>
          expect.objectContaining({
            unit: o.unit,
            period: o.period,
            deadline: o.deadline,
            daysOverdue: String(o.daysOverdue),
            ledgerId: '',
          }),
        ),
    );
    // liuwan-village-2026 carries January to October: Q1–Q3 filed, Q4 not complete (and not yet due before 2027-01-20).
    expect(quarters.filter((r) => r.unit === 'liuwan-village' && r.status === 'filed').map((r) => r.period)).toEqual([
      '2026-Q1',
      '2026-Q2',
      '2026-Q3',
    ]);
    expect(quarters.find((r) => r.period === '2026-Q1')?.deadline).toBe(periodDeadline('collectiveAssets', '2026-Q1'));
  });

  test('the field dictionary documents the overdue fields of the JSON and the CSVs', () => {
    const html = readBuilt('data/index.html');
    expect(html).toContain('id="overdue"');
    for (const field of ['overdue[].status', 'overdue[].period', 'overdue[].deadline', 'overdue[].daysOverdue'])
      expect(html).toContain(`<code>${field}</code>`);
    expect(html).toContain('公示状态代码（filed 已公示、overdue 逾期未公示）');
    expect(html).toContain('id="table-collective-assets-quarters"');
  });
});

describe('overdue periods in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
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

  test.each([
    '/units/nanhu-nine-year-school/',
    '/units/liuwan-village/',
    '/disclosures/canteen-accounts/',
    '/disclosures/collective-assets/',
    '/data/',
  ])('%s: the overdue section passes axe (WCAG 2.2 AA) with a clean console', async (path) => {
    const page = await browser.newPage();
    try {
      const watcher = await watchPage(page);
      expect((await page.goto(server.url + path))?.status()).toBe(200);
      if (path !== '/data/') await expect(page.locator('#overdue').textContent()).resolves.toBe('逾期未公示');
      const violations = await axeViolations(page);
      expect(violations, formatViolations(violations)).toEqual([]);
      expect(await watcher.list()).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test('the scorecard explains the lost timeliness points with 逾期未公示 lines that open the unit’s overdue section', async () => {
    const page = await noJsPage(browser);
    try {
      expect((await page.goto(`${server.url}/scoring/2025/nanhu-nine-year-school/`))?.status()).toBe(200);
      const link = page.getByRole('link', { name: /^逾期未公示 2025年9月/ });
      await expect(link.getAttribute('href')).resolves.toBe('/units/nanhu-nine-year-school/#overdue');
      await expect(page.getByRole('link', { name: /^逾期未公示 2025年10月/ }).count()).resolves.toBe(1);
      await link.click();
      await page.waitForURL('**/units/nanhu-nine-year-school/#overdue');
      await expect(page.locator('tr[data-overdue="nanhu-nine-year-school:2025-09"]').isVisible()).resolves.toBe(true);
    } finally {
      await page.close();
    }
  });
});
