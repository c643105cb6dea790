import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sirv from 'sirv';
import * as pagefind from 'pagefind';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.ts';
import { CLIENT_DIR } from '../support/built-site.ts';
import { buildSearchIndex, searchableHtml } from '../../src/build/search-index.ts';
import { searchPages, searchRecord } from '../../src/build/search-pages.ts';

/**
 * The search index of the built demo, as the build makes it (only the `data-pagefind-body` element of the pages
 * that have one, src/build/search-index.ts), against the index it made before: Pagefind's `addDirectory` over every
 * built page, plus the same records of forms and pages. Both are searched with Pagefind's own client in Chromium;
 * each query must find the same pages with the same title, kind, unit, period and excerpt.
 */
const QUERIES = [
  '校服',
  '食堂',
  '陪餐',
  '寄宿生生活补助',
  '西溪镇中心小学',
  '村民代表会议',
  '集体资产',
  '合同',
  '柳湾村',
  '评价',
  'xyzzy-nothing',
];

interface Found {
  url: string;
  meta: Record<string, string>;
  excerpt: string;
}

let browser: Browser;
let page: Page;
let work: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'qinglian-search-'));
  // Before: every built page through addDirectory (Pagefind keeps only those with data-pagefind-body), the records.
  const { index } = await pagefind.createIndex({});
  if (!index) throw new Error('pagefind did not start');
  const added = await index.addDirectory({ path: CLIENT_DIR });
  expect(added.errors).toEqual([]);
  for (const p of searchPages) await index.addCustomRecord({ ...searchRecord(p), language: 'zh-cn' });
  await index.writeFiles({ outputPath: join(work, 'before', 'pagefind') });
  await pagefind.close();
  // Now: what the build does.
  await buildSearchIndex(CLIENT_DIR, join(work, 'now', 'pagefind'));

  const files = sirv(work, { dev: true });
  server = http.createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html lang="zh-CN"><title>search</title><body></body></html>');
      return;
    }
    files(req, res, () => {
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${String(typeof address === 'object' && address ? address.port : 0)}`;
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.goto(`${base}/`);
}, 180_000);

afterAll(async () => {
  await browser.close();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

/** Every result of `query` in the index under `/<which>/pagefind/`, loaded by Pagefind's own client. */
// A string, not a function: Vitest would rewrite a dynamic import() inside a function passed to the page.
// Pagefind's client puts its own base path (`/<which>/`) before every result address: taken off again.
const search = async (which: string, query: string): Promise<Found[]> =>
  (
    await page.evaluate<Found[]>(`(async () => {
      const pf = await import(${JSON.stringify(`${base}/${which}/pagefind/pagefind.js`)});
      const r = await pf.search(${JSON.stringify(query)});
      const all = await Promise.all(r.results.map((x) => x.data()));
      return all.map((d) => ({ url: d.url, meta: d.meta, excerpt: d.excerpt }));
    })()`)
  ).map((f) => ({ ...f, url: f.url.replace(`/${which}/`, '/') }));

const byUrl = (found: Found[]) => [...found].sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0));

describe('the search index of the built demo', () => {
  test('each query finds the same pages, with the same meta and excerpt, as the index of every page did', async () => {
    let hits = 0;
    for (const q of QUERIES) {
      const before = await search('before', q);
      const now = await search('now', q);
      expect(byUrl(now), q).toEqual(byUrl(before));
      hits += now.length;
    }
    // The queries find things (a broken index that finds nothing in both would pass the comparison).
    expect(hits).toBeGreaterThan(30);
    const uniforms = await search('now', '校服');
    expect(uniforms.map((f) => f.url)).toContain('/disclosures/procurements/xixi-central-primary-2026-uniforms/');
    expect((await search('now', '陪餐')).map((f) => f.url)).toContain('/feedback/meal/');
    // Aid lists are never indexed (their pages carry no data-pagefind-body).
    expect((await search('now', '寄宿生生活补助')).filter((f) => f.url.includes('/student-aid/'))).toEqual([]);
  });

  test('only the marked element of a page is handed to Pagefind, nested elements of its tag included', () => {
    const html =
      '<!doctype html><html lang="zh-CN"><head><title>t</title></head><body><nav>menu</nav>' +
      '<article class="disclosure" data-pagefind-body=""><h1>A</h1><article>inner</article><p>after</p></article>' +
      '<footer>foot</footer></body></html>';
    expect(searchableHtml(html)).toBe(
      '<!doctype html><html lang="zh-CN"><body><article class="disclosure" data-pagefind-body=""><h1>A</h1>' +
        '<article>inner</article><p>after</p></article></body></html>',
    );
    expect(searchableHtml('<html lang="zh-CN"><body><main>no mark</main></body></html>')).toBeNull();
    // A text that only mentions the attribute is no mark.
    expect(searchableHtml('<html><body><p>data-pagefind-body</p></body></html>')).toBeNull();
  });
});
