import { randomUUID } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { precompressDir } from './precompress.ts';
import { buildSearchIndex } from './search-index.ts';

/**
 * The search index after the pages (issue 12 "live in ≤ 30 s"): the rebuild worker's build leaves the index out
 * (this variable in its environment, src/build/post-build.ts), the worker serves the new pages with the index it
 * served before, then runs `node src/cli/search-index.ts <outDir>` (indexLater) and swaps `pagefind/` in.
 */
export const SEARCH_LATER = { name: 'QINGLIAN_SEARCH_INDEX', value: 'later' } as const;

/**
 * Written beside `client/` by a build without its index: `{ cacheDir, searchCacheDir }`, the precompression cache and
 * the folder of the search index's cache (Astro's cache folder) to use.
 */
export const SEARCH_PENDING = '.search-pending.json';

/** Where indexLater writes the new index, under `client/` (a dot folder: never served, never kept in memory). */
export const SEARCH_NEXT = '.pagefind-next';

/** In the precompression cache: the keys the last index used (the next pages-only build keeps those entries). */
const INDEX_KEYS = 'search-index-keys.json';

/** The cache keys the last index step used (none when there was none). */
export async function readIndexKeys(cacheDir: string): Promise<string[]> {
  try {
    const keys: unknown = JSON.parse(await readFile(join(cacheDir, INDEX_KEYS), 'utf8'));
    return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

const since = (t: number) => Number(((performance.now() - t) / 1000).toFixed(1));

/**
 * Builds the search index of the pages in `<outDir>/client` into `<outDir>/client/.pagefind-next/` and precompresses
 * it (with the cache the build named in SEARCH_PENDING). Swapping it in is the worker's (src/services/site-builds.ts).
 */
export async function indexLater(outDir: string) {
  const clientDir = join(outDir, 'client');
  const pending = JSON.parse(await readFile(join(outDir, SEARCH_PENDING), 'utf8')) as {
    cacheDir?: unknown;
    searchCacheDir?: unknown;
  };
  const cacheDir = typeof pending.cacheDir === 'string' ? pending.cacheDir : undefined;
  const searchCacheDir = typeof pending.searchCacheDir === 'string' ? pending.searchCacheDir : undefined;
  const next = join(clientDir, SEARCH_NEXT);
  await rm(next, { recursive: true, force: true });
  const started = performance.now();
  const { pages, indexed } = await buildSearchIndex(
    clientDir,
    next,
    searchCacheDir ? { cacheDir: searchCacheDir } : {},
  );
  const indexSeconds = since(started);
  const compressing = performance.now();
  const used = new Set<string>();
  // Not pruned here: the cache also holds the live pages' entries (the next build prunes, keeping these).
  const r = await precompressDir(next, { ...(cacheDir ? { cacheDir } : {}), used, prune: false });
  if (cacheDir) {
    const tmp = join(cacheDir, `.${INDEX_KEYS}.${randomUUID()}.tmp`);
    await writeFile(tmp, JSON.stringify([...used]));
    await rename(tmp, join(cacheDir, INDEX_KEYS));
  }
  return {
    pages,
    indexed,
    indexSeconds,
    files: r.files,
    compressed: r.compressed,
    compressSeconds: since(compressing),
  };
}
