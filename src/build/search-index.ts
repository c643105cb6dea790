import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as pagefind from 'pagefind';
import { searchPages, searchRecord } from './search-pages.ts';

/** The language of every page (`<html lang="zh-CN">`, which Pagefind lower-cases): records join the same index. */
const LANGUAGE = 'zh-cn';

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

/**
 * The static full-text search index, built with Pagefind into `outputPath` (default `<clientDir>/pagefind/`) after
 * the pages are written (src/build/post-build.ts; the rebuild worker builds it after the new pages are live:
 * src/cli/search-index.ts). Only pages with an element marked `data-pagefind-body` are indexed — the disclosure
 * permalinks, never aid lists — each with its unit, kind and period as meta, and only that element is handed to
 * Pagefind (searchableHtml); the forms and main pages are added as records of their own (src/build/search-pages.ts).
 * The npm package runs Pagefind's extended binary, which segments Chinese text.
 */
export async function buildSearchIndex(clientDir: string, outputPath = join(clientDir, SEARCH_DIR)) {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  try {
    // Sent in path order (Pagefind numbers pages in the order they arrive), answered in parallel.
    const adds: Promise<void>[] = [];
    let pages = 0;
    for (const file of htmlFiles(clientDir)) {
      const content = searchableHtml(readFileSync(file, 'utf8'));
      if (content === null) continue;
      pages += 1;
      adds.push(
        index.addHTMLFile({ url: urlOf(clientDir, file), content }).then((r) => {
          if (r.errors.length) throw new Error(`pagefind: ${urlOf(clientDir, file)}: ${r.errors.join('; ')}`);
        }),
      );
    }
    await Promise.all(adds);
    for (const page of searchPages) {
      const record = await index.addCustomRecord({ ...searchRecord(page), language: LANGUAGE });
      if (record.errors.length) throw new Error(`pagefind: ${page.url}: ${record.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath });
    if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
    return { pages: pages + searchPages.length };
  } finally {
    await pagefind.close();
  }
}
