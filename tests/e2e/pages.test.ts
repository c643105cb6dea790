import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../support/server.ts';
import { axeViolations, formatViolations, launchBrowser, pngSize, watchPage, WECHAT_360 } from '../support/browser.ts';
import { t } from '../../src/i18n/t.ts';
import { readCity } from '../../src/content/files.ts';
import { siteFullName } from '../../src/i18n/city.ts';

/**
 * The built site in Chromium (tests/support/chromium.ts) against the real production server (src/server.ts):
 * WCAG 2.2 AA by axe, zh-CN, the demo banner, a clean console under the real CSP, the content
 * without JavaScript, and no sideways scrolling in WeChat's 360 px in-app browser.
 */
const ARTIFACTS = fileURLToPath(new URL('../.artifacts/', import.meta.url));
const UNIT_ID = 'qinglan-no1-middle-school';
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const ApiUnits = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), carrier: z.string(), url: z.string() })),
  total: z.number().int(),
});
type ApiUnit = z.infer<typeof ApiUnits>['items'][number];
const Health = z.object({
  status: z.literal('ok'),
  database: z.object({ migrations: z.object({ applied: z.number().int().min(1) }) }),
});

interface PageCase {
  name: string;
  path: string;
  status: number;
  /** Asserts the page's main content; runs with JavaScript on and off. */
  content(page: Page): Promise<void>;
}

let server: TestServer;
let browser: Browser;
let allUnits: ApiUnit[];
let migrationsApplied: number;

async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(server.url + path);
  expect(res.status, path).toBe(200);
  return schema.parse(await res.json());
}

async function text(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').trim();
}

/** The unit table lists exactly `expected` (as the API reports them), each linking to its page. */
async function expectUnitTable(page: Page, expected: ApiUnit[]): Promise<void> {
  expect(expected.length).toBeGreaterThan(0);
  const rows = page.locator('main table tbody tr');
  expect(await rows.count()).toBe(expected.length);
  const links = await page
    .locator('main table tbody tr th[scope="row"] a')
    .evaluateAll((as) => as.map((a) => ({ name: a.textContent.trim(), href: a.getAttribute('href') })));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  expect(links.sort(byName)).toEqual(expected.map((u) => ({ name: u.name, href: u.url })).sort(byName));
  expect(await text(page, 'main [role="status"]')).toBe(t('units.resultCount', { count: expected.length }));
}

const PAGES: PageCase[] = [
  {
    name: 'home',
    path: '/',
    status: 200,
    async content(page) {
      expect(await text(page, 'h1')).toBe(siteFullName(readCity()));
      for (const carrier of ['agency', 'school', 'village', 'enterprise', 'hospital'] as const) {
        const link = page.locator(`main a[href="/units/in/${carrier}/all/"]`);
        expect(await link.count(), carrier).toBe(1);
        expect((await link.textContent())?.trim()).toBe(t(`carrier.${carrier}`));
      }
      expect(await page.locator('main a[href="/units/"]').count()).toBe(1);
      expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(0);
    },
  },
  {
    name: 'unit index',
    path: '/units/',
    status: 200,
    async content(page) {
      expect(await text(page, 'h1')).toBe(t('units.title'));
      await expectUnitTable(page, allUnits);
    },
  },
  {
    name: 'filtered unit index',
    path: '/units/in/school/all/',
    status: 200,
    async content(page) {
      expect(await text(page, 'h1')).toBe(
        t('units.filteredTitle', { carrier: t('carrier.school'), township: t('units.any') }),
      );
      await expectUnitTable(
        page,
        allUnits.filter((u) => u.carrier === 'school'),
      );
    },
  },
  {
    name: 'unit page',
    path: `/units/${UNIT_ID}/`,
    status: 200,
    async content(page) {
      const unit = allUnits.find((u) => u.id === UNIT_ID);
      expect(unit, `${UNIT_ID} in /api/units`).toBeDefined();
      expect(await text(page, 'h1')).toBe(unit!.name);
      expect(await text(page, 'h2#powers')).toBe(t('unit.powersHeading'));
      expect(await page.locator(`main a[href="/units/in/${unit!.carrier}/all/"]`).count()).toBe(1);
    },
  },
  {
    name: 'status (on demand)',
    path: '/status/',
    status: 200,
    async content(page) {
      expect(await text(page, 'h1')).toBe(t('status.title'));
      const facts = await page.locator('main dl dd').allTextContents();
      expect(facts.map((f) => f.trim())).toEqual(
        expect.arrayContaining([t('status.ok'), String(migrationsApplied), VERSION]),
      );
    },
  },
  {
    name: 'missing page',
    path: '/no-such-page/',
    status: 404,
    async content(page) {
      expect(await text(page, 'h1')).toBe(t('notFound.title'));
      expect(await text(page, 'main p')).toBe(t('notFound.body'));
      expect(await page.locator('main a[href="/"]').count()).toBe(1);
    },
  },
];

/** Open `path` in `context`, check what every page must have, and return the page and what went wrong. */
async function visit(
  context: BrowserContext,
  c: PageCase,
  js: boolean,
): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const page = await context.newPage();
  const watcher = await watchPage(page, c.status === 200 ? {} : { documentStatus: c.status });
  const response = await page.goto(server.url + c.path, { waitUntil: 'load' });
  expect(response?.status(), `${c.path} status`).toBe(c.status);
  expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
  const banner = page.getByRole('note').filter({ hasText: t('site.demoBanner') });
  expect(await banner.count(), `${c.path}: the demo-data banner`).toBe(1);
  expect(await banner.isVisible(), `${c.path}: the demo-data banner is visible`).toBe(true);
  await c.content(page);
  if (js) {
    // The stylesheet got past `style-src 'self'` and actually applies.
    const sheets = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].map(
        (l) => l.sheet?.cssRules.length ?? 0,
      ),
    );
    expect(sheets.length, `${c.path}: stylesheets`).toBeGreaterThan(0);
    expect(
      sheets.every((n) => n > 0),
      `${c.path}: every stylesheet loaded`,
    ).toBe(true);
  }
  return { page, problems: () => watcher.list() };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  return async () => {
    await browser.close();
    expect(await server.stop()).toBe(0);
    server.cleanup();
  };
});
beforeAll(async () => {
  allUnits = (await getJson('/api/units?pageSize=100', ApiUnits)).items;
  migrationsApplied = (await getJson('/api/health', Health)).database.migrations.applied;
});

describe('pages in desktop Chromium', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    return () => context.close();
  });

  test.each(PAGES)('$name ($path): zh-CN, demo banner, content, 0 axe violations, clean console', async (c) => {
    const { page, problems } = await visit(context, c, true);
    const violations = await axeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(await problems()).toEqual([]);
    await page.close();
  });

  test('the console watcher catches a CSP violation (self-check)', async () => {
    const page = await context.newPage();
    const watcher = await watchPage(page);
    await page.goto(`${server.url}/`);
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__inlineRan = true';
      document.body.append(script);
    });
    await page.waitForFunction(() => (window as unknown as { __cspViolations: string[] }).__cspViolations.length > 0);
    expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined();
    const problems = await watcher.list();
    expect(problems.some((p) => p.startsWith('CSP violation: script-src'))).toBe(true);
    await page.close();
  });
});

describe('pages with JavaScript disabled', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    return () => context.close();
  });

  test.each(PAGES)('$name ($path): the main content is there without JavaScript', async (c) => {
    const { page, problems } = await visit(context, c, false);
    // Scripting really is off for the page (DevTools evaluation itself is not affected by the switch).
    expect(await page.evaluate(() => matchMedia('(scripting: none)').matches), 'scripting: none').toBe(true);
    expect(await problems()).toEqual([]);
    await page.close();
  });
});

describe('WeChat in-app browser, 360 px wide', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext(WECHAT_360);
    return () => context.close();
  });

  test.each(PAGES)('$name ($path): no horizontal overflow and 0 axe violations', async (c) => {
    const { page, problems } = await visit(context, c, true);
    const size = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      bodyScrollWidth: document.body.scrollWidth,
    }));
    // clientWidth 360 proves the viewport meta is honoured (without it a mobile layout is 980 px wide).
    expect(size.clientWidth).toBe(360);
    expect(size.scrollWidth, JSON.stringify(size)).toBeLessThanOrEqual(360);
    expect(size.bodyScrollWidth, JSON.stringify(size)).toBeLessThanOrEqual(360);
    const violations = await axeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(await problems()).toEqual([]);
    await page.close();
  });
});

describe('home page screenshots (tests/.artifacts/)', () => {
  test.each([
    { label: '360', options: WECHAT_360, width: 360 },
    { label: '1280', options: { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' }, width: 1280 },
  ])('home at $label px', async ({ label, options, width }) => {
    const context = await browser.newContext(options);
    try {
      const home = PAGES[0]!;
      const { page } = await visit(context, home, true);
      const file = join(ARTIFACTS, `home-${label}.png`);
      const png = await page.screenshot({ path: file, fullPage: true, scale: 'css' });
      expect(readFileSync(file).equals(png)).toBe(true);
      const { width: w, height: h } = pngSize(png);
      expect(w).toBe(width);
      expect(h).toBeGreaterThan(300);
    } finally {
      await context.close();
    }
  });
});
