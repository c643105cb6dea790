import { gunzipSync } from 'node:zlib';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSearchIndex } from '../../src/build/search-index.ts';
import { searchPages } from '../../src/build/search-pages.ts';

/**
 * The search index's cache (src/build/search-index.ts), with real Pagefind over a small built site: a build whose
 * searchable content is unchanged takes the last index from the cache, a change anywhere in it indexes again, and a
 * page taken off the site leaves no fragment behind, in the output or in the cache.
 */
let work: string;
let client: string;
let cache: string;

const pageHtml = (title: string, text: string) =>
  `<!doctype html><html lang="zh-CN"><head><title>${title}</title></head><body><nav>导航</nav>` +
  `<main data-pagefind-body><h1>${title}</h1><p>${text}</p></main></body></html>`;

const writePage = (path: string, title: string, text: string) => {
  mkdirSync(join(client, path), { recursive: true });
  writeFileSync(join(client, path, 'index.html'), pageHtml(title, text));
};

const PAGES = Array.from({ length: 24 }, (_, i) => `disclosures/canteen-accounts/school-${String(i)}-2026-01`);

/** The addresses and texts of the page fragments (Pagefind's gzip'd JSON) of every index under `dir`. */
const fragments = (dir: string): { url: string; content: string }[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.pf_fragment'))
    .map((e) => {
      const raw = gunzipSync(readFileSync(join(e.parentPath, e.name))).toString('utf8');
      const f = JSON.parse(raw.slice(raw.indexOf('{'))) as { url: string; content: string };
      // Pagefind marks the word breaks it found in Chinese text with zero-width spaces.
      return { url: f.url, content: f.content.replaceAll('\u200b', '') };
    });

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'qinglian-shards-'));
  client = join(work, 'client');
  cache = join(work, 'cache');
  PAGES.forEach((p, i) => writePage(p, `食堂收支公示${String(i)}`, `第${String(i)}所学校的食堂收支`));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the search index and its cache', () => {
  test('the first build indexes every page and the site records', async () => {
    const out = join(work, 'first');
    const r = await buildSearchIndex(client, out, { cacheDir: cache });
    expect(r).toEqual({ pages: PAGES.length + searchPages.length, indexed: true });
    expect(existsSync(join(out, 'pagefind.js'))).toBe(true);
    const found = fragments(out);
    expect(
      found
        .filter((f) => f.url.startsWith('/disclosures/'))
        .map((f) => f.url)
        .sort(),
    ).toEqual(PAGES.map((p) => `/${p}/`).sort());
    expect(found.length).toBe(PAGES.length + searchPages.length);
  });

  test('unchanged searchable content: no indexing, the same files from the cache', async () => {
    // A change outside the marked element (the navigation) is not a change of what search sees.
    writeFileSync(
      join(client, PAGES[0]!, 'index.html'),
      readFileSync(join(client, PAGES[0]!, 'index.html'), 'utf8').replace('<nav>导航</nav>', '<nav>新导航</nav>'),
    );
    const out = join(work, 'second');
    const r = await buildSearchIndex(client, out, { cacheDir: cache });
    expect(r.indexed).toBe(false);
    const files = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();
    expect(files(out)).toEqual(files(join(work, 'first')));
    expect(readFileSync(join(out, 'pagefind-entry.json'), 'utf8')).toBe(
      readFileSync(join(work, 'first', 'pagefind-entry.json'), 'utf8'),
    );
  });

  test('one changed and one removed page: indexed again; the removed page leaves no fragment in the output, then none in the cache', async () => {
    writePage(PAGES[3]!, '食堂收支公示3', '更正后的食堂收支');
    const removed = PAGES[7]!;
    rmSync(join(client, removed), { recursive: true });
    // Before: the old text is in the cache (so the checks below that it is gone can fail).
    expect(fragments(cache).some((f) => f.content.includes('第3所学校的食堂收支'))).toBe(true);
    const out = join(work, 'third');
    const r = await buildSearchIndex(client, out, { cacheDir: cache });
    expect(r.indexed).toBe(true);
    const found = fragments(out);
    expect(found.find((f) => f.url === `/${PAGES[3]!}/`)?.content).toContain('更正后的食堂收支');
    expect(found.some((f) => f.url === `/${removed}/`)).toBe(false);
    // The cache keeps an index no build used for an hour at most: the old one (with the removed page) goes once older.
    const entries = join(cache, 'qinglian-search-index');
    expect(readdirSync(entries)).toHaveLength(2);
    const hoursAgo = new Date(Date.now() - 2 * 3_600_000);
    for (const name of readdirSync(entries)) utimesSync(join(entries, name), hoursAgo, hoursAgo);
    const again = await buildSearchIndex(client, join(work, 'fourth'), { cacheDir: cache });
    expect(again.indexed).toBe(false);
    expect(readdirSync(entries)).toHaveLength(1);
    expect(fragments(cache).some((f) => f.url === `/${removed}/`)).toBe(false);
    expect(fragments(cache).some((f) => f.content.includes('第3所学校的食堂收支'))).toBe(false);
  });

  test('without a cache folder the index is built in place, and is the same index', async () => {
    const r = await buildSearchIndex(client, join(work, 'uncached'));
    expect(r.indexed).toBe(true);
    const byUrl = (dir: string) => fragments(dir).sort((a, b) => (a.url < b.url ? -1 : 1));
    expect(byUrl(join(work, 'uncached'))).toEqual(byUrl(join(work, 'third')));
  });
});
