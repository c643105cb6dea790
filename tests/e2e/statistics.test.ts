import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  axeViolations,
  axeViolationsAsServed,
  formatViolations,
  launchBrowser,
  pngSize,
  watchPage,
} from '../support/browser.ts';
import { seriesKeys, type SeriesKey } from '../../src/site/statistics/model.ts';
import { CSV_COLUMNS } from '../../src/site/statistics/export.ts';
import { t } from '../../src/i18n/t.ts';

/**
 * The statistics pages in Chromium against the real server and a freshly seeded demo database:
 * every chart is drawn (non-blank canvas, screenshot saved), the same numbers are in the tables with
 * JavaScript off, 0 axe violations, the JavaScript shipped stays under 80 KB gzip, no published
 * breakdown cell is 1–4 (pages, CSV, JSON), and only the embed route may be framed.
 */
const ARTIFACTS = fileURLToPath(new URL('../.artifacts/statistics/', import.meta.url));
const JS_BUDGET_BYTES = 80 * 1024;

let server: TestServer;
let browser: Browser;

interface StatPage {
  name: string;
  path: string;
}
const PAGES: StatPage[] = [
  { name: 'overview', path: '/statistics/' },
  ...seriesKeys.map((k) => ({ name: k, path: `/statistics/${k}/` })),
  { name: 'embed-official-yoy', path: '/statistics/embed/official-yoy/' },
  { name: 'embed-feedback-months', path: '/statistics/embed/feedback-months/' },
];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  return async () => {
    await browser.close();
    expect(await server.stop()).toBe(0);
    server.cleanup();
  };
});

/** Every table cell as text, keyed by table, row and column: what a reader sees. */
async function tableCells(page: Page): Promise<string[]> {
  return page.locator('main table.stat-table td[data-kind]').evaluateAll((tds) =>
    tds.map((td) => {
      const table = td.closest('table')!.getAttribute('data-table');
      const row = td.closest('tr')!.getAttribute('data-row');
      return `${String(table)}|${String(row)}|${String(td.getAttribute('data-column'))}|${String(td.getAttribute('data-kind'))}|${td.textContent.replace(/\s+/g, ' ').trim()}`;
    }),
  );
}

/** Scroll every chart into view (they are drawn lazily) and wait until each is drawn. */
async function drawAll(page: Page): Promise<number> {
  const figures = page.locator('figure[data-chart]');
  const count = await figures.count();
  for (let i = 0; i < count; i++) {
    await figures.nth(i).scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (n) => document.querySelectorAll('figure[data-chart]')[n]?.getAttribute('data-drawn') === 'true',
      i,
      { timeout: 15_000 },
    );
  }
  return count;
}

/** Share of canvas pixels that are not transparent (Chart.js draws on a transparent canvas). */
async function inkedShare(page: Page, index: number): Promise<number> {
  return page
    .locator('figure[data-chart] canvas')
    .nth(index)
    .evaluate((c) => {
      const canvas = c as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked += 1;
      return inked / (data.length / 4);
    });
}

describe('statistics pages with JavaScript', () => {
  let context: BrowserContext;
  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    return () => context.close();
  });

  test.each(PAGES)(
    '$name: every chart drawn over its table, screenshot, 0 axe violations, clean console',
    async ({ name, path }) => {
      const page = await context.newPage();
      const watcher = await watchPage(page);
      const res = await page.goto(server.url + path, { waitUntil: 'load' });
      expect(res?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
      const charts = await drawAll(page);
      expect(charts, `${path}: charts`).toBeGreaterThan(0);
      for (let i = 0; i < charts; i++) {
        const share = await inkedShare(page, i);
        expect(share, `${path}: chart ${i} has ink`).toBeGreaterThan(0.01);
        const label = await page.locator('figure[data-chart] canvas').nth(i).getAttribute('aria-label');
        expect(label?.length, `${path}: chart ${i} has an accessible name`).toBeGreaterThan(4);
      }
      expect(await page.locator('main table.stat-table').count()).toBeGreaterThanOrEqual(charts);
      const png = await page.screenshot({ fullPage: true });
      writeFileSync(join(ARTIFACTS, `${name}.png`), png);
      expect(pngSize(png).width).toBe(1280);
      const violations = await axeViolations(page);
      expect(violations, formatViolations(violations)).toEqual([]);
      expect(await watcher.list()).toEqual([]);
      await page.close();
    },
  );

  test('JavaScript shipped to a statistics page, lazy chart chunk included, is under 80 KB gzip', async () => {
    const results: Record<string, number> = {};
    for (const path of ['/statistics/', '/statistics/reply-times/']) {
      const page = await context.newPage();
      const scripts = new Map<string, Promise<Buffer>>();
      page.on('response', (r) => {
        if (r.request().resourceType() === 'script') scripts.set(r.url(), r.body());
      });
      await page.goto(server.url + path, { waitUntil: 'load' });
      const before = scripts.size;
      await drawAll(page);
      await page.waitForLoadState('networkidle');
      expect(scripts.size, `${path}: the chart code is a separate chunk`).toBeGreaterThan(
        before - (before > 0 ? 0 : 1),
      );
      let total = 0;
      for (const body of scripts.values()) total += gzipSync(await body, { level: 9 }).length;
      results[path] = total;
      expect(total, `${path}: ${scripts.size} scripts, ${total} bytes gzip`).toBeLessThanOrEqual(JS_BUDGET_BYTES);
      expect(total).toBeGreaterThan(10_000); // Chart.js really was loaded
      await page.close();
    }
    writeFileSync(
      join(ARTIFACTS, 'js-weight.json'),
      JSON.stringify({ budgetBytes: JS_BUDGET_BYTES, gzipBytes: results }, null, 1),
    );
  });

  test('Chart.js is loaded only once a chart comes near the viewport', async () => {
    const small = await browser.newContext({ viewport: { width: 360, height: 240 }, locale: 'zh-CN' });
    const page = await small.newPage();
    const scripts: string[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'script') scripts.push(r.url());
    });
    await page.goto(`${server.url}/statistics/official-townships/`, { waitUntil: 'networkidle' });
    const loadedFirst = scripts.length;
    expect(await page.locator('figure[data-chart][data-drawn]').count()).toBe(0);
    await drawAll(page);
    await page.waitForLoadState('networkidle');
    expect(scripts.length).toBeGreaterThan(loadedFirst);
    await small.close();
  });
});

describe('statistics pages without JavaScript', () => {
  let on: BrowserContext;
  let off: BrowserContext;
  beforeAll(async () => {
    on = await browser.newContext({ locale: 'zh-CN' });
    return () => on.close();
  });
  beforeAll(async () => {
    off = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
    return () => off.close();
  });

  test.each(PAGES)('$name: the same numbers in tables, no chart box, 0 axe violations', async ({ path }) => {
    const withJs = await on.newPage();
    await withJs.goto(server.url + path, { waitUntil: 'load' });
    await drawAll(withJs);
    const expected = await tableCells(withJs);
    await withJs.close();

    const page = await off.newPage();
    const watcher = await watchPage(page);
    await page.goto(server.url + path, { waitUntil: 'load' });
    const cells = await tableCells(page);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells).toEqual(expected);
    // Every number a chart plots is the number in its table, cell by cell.
    const pairs = await page.locator('section.stat-section').evaluateAll((sections) =>
      sections.flatMap((section) => {
        const figure = section.querySelector<HTMLElement>('figure[data-chart]');
        if (!figure) return [];
        const config = JSON.parse(figure.dataset.chart!) as { data: { datasets: { data: unknown[] }[] } };
        const columns = figure.dataset.columns!.split(' ');
        const plotted = config.data.datasets.filter((d) => !d.data.some(Array.isArray));
        return columns.map((column, i) => ({
          chart: plotted[i]!.data,
          table: [...section.querySelectorAll(`table tbody tr td[data-column="${column}"]`)].map((td) =>
            td.hasAttribute('data-value') ? Number(td.getAttribute('data-value')) : null,
          ),
        }));
      }),
    );
    for (const p of pairs) expect(p.chart).toEqual(p.table);
    if (await page.locator('figure[data-chart]').count()) expect(pairs.length).toBeGreaterThan(0);
    // The chart's figure stays hidden: nothing empty in the way of the table.
    for (const f of await page.locator('figure[data-chart]').all()) expect(await f.isVisible()).toBe(false);
    const violations = await axeViolationsAsServed(browser, page);
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(await watcher.list()).toEqual([]);
    await page.close();
  });
});

/** A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

interface JsonCell {
  kind: string;
  n?: number;
  rate?: number;
  low?: number;
  high?: number;
}

describe('no published breakdown cell is 1–4 (pages, CSV, JSON)', () => {
  const small = (n: number) => n > 0 && n < 5;

  test('scan every series', async () => {
    let suppressed = 0;
    let numbers = 0;
    const off = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
    for (const key of seriesKeys as readonly SeriesKey[]) {
      // JSON: every cell with an n.
      const json = (await (await fetch(`${server.url}/statistics/${key}.json`)).json()) as {
        demo: boolean;
        tables: { rows: { cells: JsonCell[] }[] }[];
      };
      expect(json.demo).toBe(true);
      for (const cell of json.tables.flatMap((tb) => tb.rows.flatMap((r) => r.cells))) {
        if (cell.kind === 'suppressed') suppressed += 1;
        if (cell.n !== undefined) {
          numbers += 1;
          expect(small(cell.n), `${key}.json: ${JSON.stringify(cell)}`).toBe(false);
        }
        for (const v of [cell.n, cell.rate, cell.low, cell.high])
          if (v !== undefined) expect(Number.isFinite(v)).toBe(true);
      }
      // The long CSV (open data): the value and n columns of every line.
      const res = await fetch(`${server.url}/data/statistics/${key}.csv`);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const [header, ...lines] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
      expect(header).toEqual([...CSV_COLUMNS]);
      const at = (name: (typeof CSV_COLUMNS)[number]) => header!.indexOf(name);
      for (const line of lines) {
        expect(line).toHaveLength(CSV_COLUMNS.length);
        const n = line[at('n')]!;
        if (n !== '') expect(small(Number(n)), `${key}.csv: ${line.join(',')}`).toBe(false);
        if (line[at('kind')] === 'count')
          expect(small(Number(line[at('value')])), `${key}.csv: ${line.join(',')}`).toBe(false);
        expect(line.join(',')).not.toMatch(/NaN|Infinity|undefined/);
      }
      // The page as served without JavaScript: count cells and every "n=" shown.
      const page = await off.newPage();
      await page.goto(`${server.url}/statistics/${key}/`);
      const shown = await page.locator('main table.stat-table td[data-kind]').evaluateAll((tds) =>
        tds.map((td) => ({
          kind: td.getAttribute('data-kind'),
          n: td.getAttribute('data-n'),
          text: td.textContent.trim(),
        })),
      );
      for (const c of shown) {
        if (c.kind === 'count') expect(small(Number(c.text.replace(/,/g, ''))), `${key} page: ${c.text}`).toBe(false);
        if (c.n !== null) expect(small(Number(c.n)), `${key} page: n=${c.n}`).toBe(false);
        for (const m of c.text.matchAll(/n=(\d+)/g)) expect(small(Number(m[1])), `${key} page: ${c.text}`).toBe(false);
        expect(c.text).not.toMatch(/NaN|Infinity|undefined/);
      }
      await page.close();
    }
    await off.close();
    // The demo data has small cells, so the scan above is not vacuous: suppression did happen.
    expect(suppressed).toBeGreaterThan(5);
    expect(numbers).toBeGreaterThan(50);
  });
});

describe('embedding', () => {
  test('only the embed route may be framed, by any site; everything else refuses', async () => {
    const embed = await fetch(`${server.url}/statistics/embed/official-yoy/`);
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *');
    expect(embed.headers.get('x-frame-options')).toBeNull();
    for (const path of [
      '/statistics/official-yoy/',
      '/statistics/',
      '/feedback/',
      '/statistics/embed/../../feedback/',
    ]) {
      const res = await fetch(server.url + path);
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  test('a newsroom page on another origin shows the embedded chart; the normal page is blocked', async () => {
    // The "newsroom" is another local server (another port = another origin). An intercepted public
    // URL would not do: Chromium's local-network-access checks block public pages from framing 127.0.0.1.
    const story = `<!doctype html><html lang="zh-CN"><title>story</title><iframe id="embed" src="${server.url}/statistics/embed/official-yoy/" width="800" height="600"></iframe><iframe id="page" src="${server.url}/statistics/official-yoy/" width="800" height="600"></iframe>`;
    const newsroom = createServer((_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(story),
    );
    await new Promise<void>((resolve) => newsroom.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(newsroom.address() as AddressInfo).port}`;
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${origin}/story`, { waitUntil: 'load' });
    const embedFrame = page.frames().find((f) => f.url().includes('/statistics/embed/'));
    expect(embedFrame, 'the embed frame loaded').toBeDefined();
    await embedFrame!.waitForSelector('figure[data-chart][data-drawn="true"]', { timeout: 15_000 });
    expect(await embedFrame!.locator('h1').textContent()).toBe(t('statistics.officialYoy.title'));
    // The ordinary page refused to render in the frame (Chromium shows its error page there instead).
    const children = page.frames().filter((f) => f !== page.mainFrame());
    expect(
      children
        .map((f) =>
          f.url().startsWith('chrome-error:') ? 'blocked' : f.url().includes('/statistics/embed/') ? 'embed' : f.url(),
        )
        .toSorted(),
    ).toEqual(['blocked', 'embed']);
    writeFileSync(join(ARTIFACTS, 'embedded-in-newsroom.png'), await page.screenshot());
    await context.close();
    await new Promise((resolve) => newsroom.close(resolve));
  });
});
