import { join } from 'node:path';
import * as pagefind from 'pagefind';
import { searchPages, searchRecord } from './search-pages.ts';

/** The language of every page (`<html lang="zh-CN">`, which Pagefind lower-cases): records join the same index. */
const LANGUAGE = 'zh-cn';

/**
 * The static full-text search index, built with Pagefind into `<clientDir>/pagefind/` after the pages are written
 * (src/build/post-build.ts). Only elements marked `data-pagefind-body` are
 * indexed: disclosure pages, never aid lists, each with its unit, kind and period as meta; the forms
 * and main pages are added as records of their own (src/build/search-pages.ts). The npm package runs
 * Pagefind's extended binary, which segments Chinese text.
 */
export async function buildSearchIndex(clientDir: string): Promise<{ pages: number }> {
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
  try {
    const added = await index.addDirectory({ path: clientDir });
    if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
    for (const page of searchPages) {
      const record = await index.addCustomRecord({ ...searchRecord(page), language: LANGUAGE });
      if (record.errors.length) throw new Error(`pagefind: ${page.url}: ${record.errors.join('; ')}`);
    }
    const written = await index.writeFiles({ outputPath: join(clientDir, 'pagefind') });
    if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
    return { pages: added.page_count + searchPages.length };
  } finally {
    await pagefind.close();
  }
}
