import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { axeViolations, formatViolations, launchBrowser, pngSize } from '../support/browser.ts';
import { builtFiles, sitePath } from '../support/built-site.ts';
import { crawlPages, narrowLayoutProblems, staffCookie } from '../support/narrow.ts';
import type { DemoUsername } from '../support/staff.ts';
import { readCity } from '../../src/content/files.ts';
import { siteName } from '../../src/i18n/city.ts';

/**
 * Issue 16, "made for the phone in a villager's hand", in Chromium at 360×740:
 *
 * 1. every page of a crawl of the public site (every built page, the on-demand pages they link to and
 *    the forms) and of the staff console (signed in as each demo role) has no horizontal
 *    overflow outside scroll containers and no table cell with ≥ 4 characters narrower than 3 em;
 * 3. screenshots of a 三资 page, a scorecard and a statistics page in tests/.artifacts/screenshots/;
 * 5. axe finds nothing at 360 px and at 1280 px, with and without the larger-text switch, on one page
 *    of every page type (route of src/pages, and kind of disclosure), and the 360-px check also holds
 *    in larger-text mode there.
 */
const SHOTS = fileURLToPath(new URL('../.artifacts/screenshots/', import.meta.url));
const PAGES_DIR = fileURLToPath(new URL('../../src/pages/', import.meta.url));
const PHONE: BrowserContextOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
};
const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 900 }, locale: 'zh-CN' };
/** On-demand pages no built page links to. */
const PUBLIC_ENTRIES = ['/', '/feedback/', '/feedback/meal/', '/feedback/track/', '/ratings/', '/surveys/'];
const STAFF: DemoUsername[] = ['demo.admin', 'demo.moderator', 'demo.xixi', 'demo.evaluator'];
/** Where the larger-text switch keeps its choice (src/scripts/text-size.ts). */
const TEXT_SIZE_KEY = 'qinglian.textSize';

let server: TestServer;
let browser: Browser;
let publicPages: string[];
const staffPages = new Map<DemoUsername, { cookie: { name: string; value: string }; pages: string[] }>();

/** The routes of src/pages as matchers, static segments before parameters (as Astro ranks them). */
function routes(): { route: string; match: RegExp; kindParam: boolean }[] {
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
  return files(PAGES_DIR)
    .filter((f) => f.endsWith('.astro'))
    .map((f) => {
      const route = relative(PAGES_DIR, f)
        .replace(/\.astro$/, '')
        .replace(/(^|\/)index$/, '');
      const segments = route === '' ? [] : route.split('/');
      const source = segments
        .map((s) => (s.startsWith('[...') ? '(?:/.*)?' : s.startsWith('[') ? '/[^/]+' : `/${s}`))
        .join('');
      return {
        route: route === '' ? '/' : route,
        match: new RegExp(`^${source}/?$`),
        kindParam: route.includes('[kind]'),
        rank: segments.map((s) => (s.startsWith('[...') ? 2 : s.startsWith('[') ? 1 : 0)),
      };
    })
    .toSorted((a, b) => {
      for (let i = 0; i < Math.max(a.rank.length, b.rank.length); i++) {
        const d = (a.rank[i] ?? -1) - (b.rank[i] ?? -1);
        if (d !== 0) return d;
      }
      return 0;
    });
}

/** The page type of a path: its route, and for disclosure routes the kind (each kind has its own view). */
function pageType(path: string, table: ReturnType<typeof routes>): string {
  const r = table.find((x) => x.match.test(path));
  if (!r) return `(no route) ${path}`;
  return r.kindParam ? `${r.route} ${path.split('/')[2] ?? ''}` : r.route;
}

/** One page per page type, the first the crawl found. */
function samplePerType(paths: string[]): Map<string, string> {
  const table = routes();
  const sample = new Map<string, string>();
  for (const p of paths) {
    const type = pageType(p, table);
    if (!sample.has(type)) sample.set(type, p);
  }
  return sample;
}

/** The session cookie as the login sets it (Secure, which Chromium keeps on http://127.0.0.1). */
function staffBrowserCookie(c: { name: string; value: string }) {
  // `url` would make it a Domain cookie, which a __Host- cookie must not be.
  return {
    ...c,
    domain: new URL(server.url).hostname,
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Strict' as const,
  };
}

async function phoneContext(opts: { cookie?: { name: string; value: string }; largeText?: boolean }) {
  const context = await browser.newContext(PHONE);
  if (opts.cookie) await context.addCookies([staffBrowserCookie(opts.cookie)]);
  if (opts.largeText) await setLargeText(context);
  return context;
}

/** Turn the larger-text switch on as a reader would have left it: the stored choice, read on load. */
async function setLargeText(context: BrowserContext): Promise<void> {
  await context.addInitScript((key) => {
    localStorage.setItem(key, 'large');
  }, TEXT_SIZE_KEY);
}

async function open(page: Page, path: string): Promise<void> {
  const res = await page.goto(server.url + path, { waitUntil: 'load' });
  expect(res?.status(), path).toBe(200);
  // Not sent to the staff login (or anywhere else) instead.
  expect(new URL(page.url()).pathname, path).toBe(path);
  await page.evaluate(() => document.fonts.ready);
}

/** Visit every path in one context and collect the 360-px problems, one line per problem. */
async function checkAll(context: BrowserContext, paths: string[], who: string): Promise<string[]> {
  const failures: string[] = [];
  const page = await context.newPage();
  try {
    for (const path of paths) {
      await open(page, path);
      for (const p of await narrowLayoutProblems(page)) failures.push(`${who} ${path}: ${p}`);
    }
  } finally {
    await page.close();
  }
  return failures;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  return async () => {
    await browser.close();
    expect(await server.stop()).toBe(0);
    server.cleanup();
  };
});
beforeAll(async () => {
  const built = builtFiles()
    .filter((f) => f.endsWith('.html') && !f.endsWith('/404.html'))
    .map(sitePath);
  publicPages = await crawlPages(server.url, [...PUBLIC_ENTRIES, ...built]);
  for (const who of STAFF) {
    const cookie = await staffCookie(server.url, who);
    const pages = await crawlPages(server.url, ['/staff/'], `${cookie.name}=${cookie.value}`);
    staffPages.set(who, { cookie, pages });
  }
}, 120_000);

describe('the 360-px check itself', () => {
  test('fails on a planted narrow table, a planted wide box and planted unbreakable text; passes once they are gone', async () => {
    const context = await phoneContext({});
    const page = await context.newPage();
    try {
      await open(page, '/');
      const main = page.locator('main');
      // Eight columns of Chinese text in a plain table squeeze each column to about one character.
      await main.evaluate((m) => {
        const table = document.createElement('table');
        table.id = 'planted-table';
        const row = table.insertRow();
        for (let i = 0; i < 8; i++) row.insertCell().textContent = '集体经济组织收入';
        m.append(table);
      });
      const narrow = await narrowLayoutProblems(page);
      expect(narrow.some((p) => p.startsWith('cell ') && p.includes('集体经济组织收入'))).toBe(true);
      await main.evaluate((m) => {
        m.querySelector('#planted-table')?.remove();
        const wide = document.createElement('div');
        wide.id = 'planted-wide';
        wide.style.width = '500px';
        wide.textContent = 'wide';
        m.append(wide);
      });
      const wide = await narrowLayoutProblems(page);
      expect(wide.some((p) => p.includes('planted-wide'))).toBe(true);
      expect(wide.some((p) => p.startsWith('the page scrolls sideways'))).toBe(true);
      await main.evaluate((m) => {
        m.querySelector('#planted-wide')?.remove();
        const p = document.createElement('p');
        p.id = 'planted-hash';
        p.style.overflowWrap = 'normal';
        p.textContent = 'f'.repeat(120);
        m.append(p);
      });
      const text = await narrowLayoutProblems(page);
      expect(text.some((p) => p.startsWith('text sticks out') && p.includes('planted-hash'))).toBe(true);
      await main.evaluate((m) => m.querySelector('#planted-hash')?.remove());
      expect(await narrowLayoutProblems(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('every page at 360×740 (issue 16 acceptance 1)', () => {
  test('the crawl reaches every public page type and the staff console', () => {
    const types = samplePerType(publicPages);
    // Home, units, disclosures of every kind, feedback, surveys, scoring, statistics, search, data.
    expect(publicPages.length).toBeGreaterThan(250);
    expect(types.size).toBeGreaterThan(25);
    for (const [who, { pages }] of staffPages) expect(pages.length, who).toBeGreaterThan(3);
    console.info(
      `360-px crawl: ${publicPages.length} public pages of ${types.size} types; staff: ${[...staffPages]
        .map(([who, s]) => `${who} ${s.pages.length}`)
        .join(', ')}`,
    );
  });

  test('public pages: no sideways overflow outside scroll containers, no cell narrower than 3 em', async () => {
    const context = await phoneContext({});
    try {
      const failures = await checkAll(context, publicPages, 'public');
      expect(failures).toEqual([]);
    } finally {
      await context.close();
    }
  }, 600_000);

  test.each(STAFF)(
    'staff pages as %s: the same',
    async (who) => {
      const { cookie, pages } = staffPages.get(who)!;
      const context = await phoneContext({ cookie });
      try {
        expect(await checkAll(context, pages, who)).toEqual([]);
      } finally {
        await context.close();
      }
    },
    300_000,
  );
});

describe('one page of every type: axe at 360 and 1280 px, larger text on and off (acceptance 5)', () => {
  const modes = [
    { label: '360 px', options: PHONE, largeText: false },
    { label: '360 px, larger text', options: PHONE, largeText: true },
    { label: '1280 px', options: DESKTOP, largeText: false },
    { label: '1280 px, larger text', options: DESKTOP, largeText: true },
  ];
  test.each(modes)(
    '$label: 0 axe violations; at 360 px also the layout check',
    async (mode) => {
      const sets: { who: string; cookie?: { name: string; value: string }; pages: string[] }[] = [
        { who: 'public', pages: [...samplePerType(publicPages).values()] },
        ...[...staffPages].map(([who, s]) => ({ who, cookie: s.cookie, pages: [...samplePerType(s.pages).values()] })),
      ];
      const failures: string[] = [];
      let checked = 0;
      for (const set of sets) {
        const context = await browser.newContext(mode.options);
        if (set.cookie) await context.addCookies([staffBrowserCookie(set.cookie)]);
        if (mode.largeText) await setLargeText(context);
        const page = await context.newPage();
        try {
          for (const path of set.pages) {
            await open(page, path);
            // Every page has the switch except the chart embedded in other sites' articles.
            const hasSwitch = (await page.locator('button[data-text-size-toggle]').count()) === 1;
            expect(hasSwitch, `${path}: the larger-text switch`).toBe(!path.startsWith('/statistics/embed/'));
            const large = await page.evaluate(() => document.documentElement.dataset['textSize'] === 'large');
            expect(large, `${path}: larger-text mode`).toBe(mode.largeText && hasSwitch);
            const violations = await axeViolations(page);
            if (violations.length > 0) failures.push(`${set.who} ${path}: ${formatViolations(violations)}`);
            if (mode.options === PHONE) {
              for (const p of await narrowLayoutProblems(page)) failures.push(`${set.who} ${path}: ${p}`);
            }
            checked++;
          }
        } finally {
          await context.close();
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(30);
    },
    600_000,
  );
});

describe('screenshots at 360×740 (acceptance 3, tests/.artifacts/screenshots/)', () => {
  const shots = [
    {
      name: '三资 (collective assets)',
      file: 'collective-assets-360.png',
      find: /^\/disclosures\/collective-assets\/[^/]+\/$/,
    },
    { name: 'a scorecard', file: 'scorecard-360.png', find: /^\/scoring\/\d{4}\/[^/]+\/$/ },
    { name: 'a statistics page', file: 'statistics-official-yoy-360.png', find: /^\/statistics\/official-yoy\/$/ },
  ];
  test.each(shots)('$name', async ({ file, find }) => {
    const path = publicPages.find((p) => find.test(p));
    expect(path, String(find)).toBeDefined();
    const context = await phoneContext({});
    try {
      const page = await context.newPage();
      await open(page, path!);
      // Charts draw after load (src/scripts/statistics-charts.ts marks each figure when it is drawn).
      // They draw lazily, as they near the viewport: scroll each into view first (the city's logo and name make the
      // header taller, so the first figure no longer starts inside the first screen).
      for (const figure of await page.locator('figure[data-chart]').all()) {
        await figure.scrollIntoViewIfNeeded();
        await expect.poll(() => figure.getAttribute('data-drawn'), { timeout: 15_000 }).toBe('true');
      }
      const png = await page.screenshot({ path: join(SHOTS, file), fullPage: true, scale: 'css' });
      const { width, height } = pngSize(png);
      expect(width).toBe(360);
      expect(height).toBeGreaterThan(740);
      // Chinese is drawn in the font the test browser adds (tests/support/chromium.ts), not as boxes.
      expect(await page.evaluate(() => document.fonts.check('16px "Noto Sans SC"', '清廉'))).toBe(true);
      console.info(`screenshot ${file}: ${path!} ${width}×${height}`);
    } finally {
      await context.close();
    }
  });
});

describe('the larger-text switch', () => {
  test('is a pressed/unpressed button that scales the text and is remembered on the next page', async () => {
    const context = await phoneContext({});
    try {
      const page = await context.newPage();
      await open(page, '/');
      const button = page.locator('button[data-text-size-toggle]');
      expect(await button.isVisible()).toBe(true);
      expect(await button.getAttribute('aria-pressed')).toBe('false');
      const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      expect(await size()).toBe(16);
      const box = (await button.boundingBox())!;
      expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
      await button.click();
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      expect(await size()).toBe(20);
      await open(page, '/units/');
      expect(await size()).toBe(20);
      expect(await page.locator('button[data-text-size-toggle]').getAttribute('aria-pressed')).toBe('true');
      await page.locator('button[data-text-size-toggle]').click();
      await open(page, '/statistics/');
      expect(await size()).toBe(16);
    } finally {
      await context.close();
    }
  });

  test('without JavaScript there is no switch that would do nothing', async () => {
    const context = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await open(page, '/');
      expect(await page.locator('button[data-text-size-toggle]').count()).toBe(1);
      expect(await page.locator('button[data-text-size-toggle]').isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });
});

describe('tap targets and the way in', () => {
  test('the home page has 我要反映, 查询进度 and 满意度测评 as buttons of at least 44 px', async () => {
    const context = await phoneContext({ largeText: false });
    try {
      const page = await context.newPage();
      await open(page, '/');
      const links = page.locator('main .way-in a');
      expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
        '/feedback/',
        '/feedback/track/',
        '/ratings/',
      ]);
      for (const link of await links.all()) {
        const box = (await link.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(44);
      }
    } finally {
      await context.close();
    }
  });

  test('on one page of every type, every control and stand-alone link is at least 44 × 44 px', async () => {
    const context = await phoneContext({});
    const failures: string[] = [];
    try {
      const page = await context.newPage();
      for (const path of samplePerType(publicPages).values()) {
        await open(page, path);
        const small = await page.evaluate(() => {
          const targets = document.querySelectorAll(
            'button, select, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), summary, ' +
              '.choice, .site-nav a, .filters a, .toc a, .inline-links a, .pager a, .breadcrumbs a, .cards a, .way-in a',
          );
          return [...targets].flatMap((el) => {
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0 || el.closest('.hp')) return [];
            return r.height < 43.5 || r.width < 43.5
              ? [
                  `${el.tagName.toLowerCase()} "${el.textContent.trim().slice(0, 20)}" ${r.width.toFixed(0)}×${r.height.toFixed(0)}`,
                ]
              : [];
          });
        });
        for (const s of small) failures.push(`${path}: ${s}`);
      }
    } finally {
      await context.close();
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('the embed code on a phone', () => {
  test('the copied snippet fills a 360-px article at 4:3 and the source line shows inside the frame', async () => {
    const res = await fetch(`${server.url}/statistics/official-yoy/`);
    const html = await res.text();
    const snippet = /<pre[^>]*class="embed-code"[^>]*><code>([\s\S]*?)<\/code><\/pre>/
      .exec(html)?.[1]
      ?.replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&quot;', '"')
      .replaceAll('&#34;', '"')
      .replaceAll('&amp;', '&');
    expect(snippet).toMatch(/^<iframe /);
    // The snippet names the production site; the newsroom page here frames the test server instead.
    const local = snippet!.replace(/src="https?:\/\/[^/]+/, `src="${server.url}`);
    const story = `<!doctype html><html lang="zh-CN"><meta name="viewport" content="width=device-width, initial-scale=1"><title>story</title><body style="margin:0;padding:0 12px"><p>article</p>${local}<p>more</p></body></html>`;
    const newsroom = createServer((_req, r) =>
      r.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(story),
    );
    await new Promise<void>((resolve) => newsroom.listen(0, '127.0.0.1', resolve));
    const context = await browser.newContext(PHONE);
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(newsroom.address() as AddressInfo).port}/`, { waitUntil: 'load' });
      const box = (await page.locator('iframe').boundingBox())!;
      expect(box.width).toBeCloseTo(360 - 24, 0);
      expect(box.height).toBeCloseTo((box.width * 3) / 4, 0);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      const frame = page.frames().find((f) => f.url().includes('/statistics/embed/'))!;
      expect(frame, 'the embed frame').toBeDefined();
      await frame.waitForSelector('.embed-source');
      const source = await frame.evaluate(() => {
        const r = document.querySelector('.embed-source')!.getBoundingClientRect();
        return {
          top: r.top,
          bottom: r.bottom,
          height: innerHeight,
          text: document.querySelector('.embed-source')!.textContent,
        };
      });
      expect(source.top).toBeGreaterThanOrEqual(0);
      expect(source.bottom).toBeLessThanOrEqual(source.height + 0.5);
      expect(source.text).toContain(siteName(readCity()));
      await page.screenshot({ path: join(SHOTS, 'embed-in-phone-article-360.png'), scale: 'css' });
    } finally {
      await context.close();
      await new Promise((resolve) => newsroom.close(resolve));
    }
  });
});
