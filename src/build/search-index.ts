import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as pagefind from 'pagefind';
import { linkTree } from '../lib/paths.ts';
import { searchPages, searchRecord } from './search-pages.ts';

/** The language of every page (`<html lang="zh-CN">`, which Pagefind lower-cases): records join the same index. */
const LANGUAGE = 'zh-cn';

/** Part of the index's digest: another Pagefind writes other files. (Its package exports no package.json.) */
const PAGEFIND_VERSION = (() => {
  try {
    const manifest = new URL('../../node_modules/pagefind/package.json', import.meta.url);
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

/** Where Pagefind writes the search index, under the client build; the search page loads it from `/pagefind/`. */
export const SEARCH_DIR = 'pagefind';

/** Folders of the client build that hold no page (bundled assets, the index itself). */
const NOT_PAGES = new Set(['_astro', SEARCH_DIR]);

const BODY_ATTRIBUTE = 'data-pagefind-body';
const BODY_OPEN = /<([a-z][a-z0-9-]*)\b[^>]*\sdata-pagefind-body(?:[\s=>/])[^>]*>/i;

/**
 * The built pages in path order. Read synchronously on purpose: in the build, precompression keeps libuv's thread
 * pool busy with brotli, and 6,000 queued async reads behind it slowed the index down.
 */
function htmlFiles(dir: string): string[] {
  const entries = readdirSync(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return NOT_PAGES.has(entry.name) || entry.name.startsWith('.') ? [] : htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

/**
 * What Pagefind needs of a page: its `lang` and the one element marked `data-pagefind-body` (with everything in
 * it: the title `h1`, the `data-pagefind-meta` and `data-pagefind-ignore` marks), or null for a page without one
 * (which Pagefind leaves out of the index as soon as any page has the mark). The rest of the page (header,
 * navigation, footer, scripts) is dropped before Pagefind parses it: same index, a third of the bytes to read.
 */
export function searchableHtml(html: string): string | null {
  if (!html.includes(BODY_ATTRIBUTE)) return null;
  const open = BODY_OPEN.exec(html);
  if (!open) return null;
  const tag = open[1]!.toLowerCase();
  // The element's end: its own closing tag, counting the same tag nested inside it.
  const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
  tags.lastIndex = open.index + open[0].length;
  let depth = 1;
  let end = -1;
  for (let m = tags.exec(html); m; m = tags.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) {
      end = m.index + m[0].length;
      break;
    }
  }
  if (end < 0) return null;
  const lang = /<html\b[^>]*\slang="([^"]*)"/i.exec(html)?.[1] ?? LANGUAGE;
  return `<!doctype html><html lang="${lang}"><body>${html.slice(open.index, end)}</body></html>`;
}

/** The address Pagefind gives a built file (`a/b/index.html` → `/a/b/`), as its `addDirectory` does. */
const urlOf = (clientDir: string, file: string) =>
  `/${relative(clientDir, file).split(sep).join('/')}`.replace(/(^|\/)index\.html$/, '$1');

/** Under the cache folder: finished indexes, each named by the digest of what it was made of. */
const INDEX_CACHE = 'qinglian-search-index';

/** How long an index no build uses stays in the cache (like precompression's entries). */
const KEEP_UNUSED_MS = 3_600_000;

/** A page as Pagefind is given it. */
interface SearchPage {
  url: string;
  content: string;
}

/** Everything an index is made of: same digest, same files. */
const indexDigest = (pages: readonly SearchPage[]) =>
  createHash('sha256')
    .update(JSON.stringify([PAGEFIND_VERSION, LANGUAGE, pages, searchPages.map(searchRecord)]))
    .digest('hex')
    .slice(0, 32);

/** Pagefind's index of `pages` and the site's own records, written into `outputPath`. */
async function writeIndex(pages: readonly SearchPage[], outputPath: string): Promise<void> {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  try {
    // Sent in path order (Pagefind numbers pages in the order they arrive), answered in parallel.
    await Promise.all(
      pages.map(({ url, content }) =>
        index.addHTMLFile({ url, content }).then((r) => {
          if (r.errors.length) throw new Error(`pagefind: ${url}: ${r.errors.join('; ')}`);
        }),
      ),
    );
    for (const page of searchPages) {
      const record = await index.addCustomRecord({ ...searchRecord(page), language: LANGUAGE });
      if (record.errors.length) throw new Error(`pagefind: ${page.url}: ${record.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath });
    if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
  } finally {
    await pagefind.close();
  }
}

/**
 * The static full-text search index, built with Pagefind into `outputPath` (default `<clientDir>/pagefind/`) after
 * the pages are written (src/build/post-build.ts; the rebuild worker builds it after the new pages are live:
 * src/cli/search-index.ts). Only pages with an element marked `data-pagefind-body` are indexed — the disclosure
 * permalinks, never aid lists — each with its unit, kind and period as meta, and only that element is handed to
 * Pagefind (searchableHtml); the forms and main pages are added as records of their own (src/build/search-pages.ts).
 * The npm package runs Pagefind's extended binary, which segments Chinese text.
 *
 * With `cacheDir`, the finished index is kept there under the digest of what it was made of (the searchable part of
 * every page, the records, Pagefind's version), and a build whose searchable content is unchanged links it from
 * there instead of running Pagefind: a nightly rebuild, or one after a change no search sees (an aid list, a unit's
 * contact). Pagefind has no incremental mode, so any other change indexes every page again. An index no build has
 * used for an hour is removed.
 */
export async function buildSearchIndex(
  clientDir: string,
  outputPath = join(clientDir, SEARCH_DIR),
  opts: { cacheDir?: string } = {},
): Promise<{ pages: number; indexed: boolean }> {
  const pages: SearchPage[] = [];
  for (const file of htmlFiles(clientDir)) {
    const content = searchableHtml(readFileSync(file, 'utf8'));
    if (content !== null) pages.push({ url: urlOf(clientDir, file), content });
  }
  const count = pages.length + searchPages.length;
  rmSync(outputPath, { recursive: true, force: true });
  if (!opts.cacheDir) {
    await writeIndex(pages, outputPath);
    return { pages: count, indexed: true };
  }
  const cache = join(opts.cacheDir, INDEX_CACHE);
  mkdirSync(cache, { recursive: true });
  const digest = indexDigest(pages);
  const done = join(cache, digest);
  const indexed = !existsSync(done);
  if (indexed) {
    const work = join(cache, `.${digest}.${randomUUID()}.tmp`);
    try {
      await writeIndex(pages, work);
      try {
        renameSync(work, done);
      } catch (e) {
        // Another build of the same pages got there first: its index is this one.
        if (!existsSync(done)) throw e;
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  // Used now: kept for an hour at least (builds of another folder of the project may run meanwhile).
  const now = new Date();
  utimesSync(done, now, now);
  linkTree(done, outputPath);
  // Indexes (and work folders of builds that died) no build has used for an hour.
  for (const name of readdirSync(cache)) {
    const path = join(cache, name);
    if (name !== digest && statSync(path).mtimeMs < now.getTime() - KEEP_UNUSED_MS)
      rmSync(path, { recursive: true, force: true });
  }
  return { pages: count, indexed };
}
