import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { precompressDir } from './precompress.ts';
import { buildSearchIndex, SEARCH_DIR } from './search-index.ts';
import { SEARCH_LATER, SEARCH_PENDING, readIndexKeys } from './search-later.ts';
import { buildInputsHash, stampText } from './stamp.ts';
import { loadDatabaseSettings, type BuildSettings } from '../lib/config.ts';
import { storeSignature } from '../db/disclosure-store-snapshot.ts';

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

/**
 * Astro integration for what follows the pages: the search index (src/build/search-index.ts), precompression
 * (src/build/precompress.ts, cached under Astro's cache folder, node_modules/.astro by default) and the build stamp
 * (src/build/stamp.ts: the hash of the sources as they were when the build started; src/cli/prepare.ts reads it).
 * Pagefind runs in a process of its own, so the pages are compressed meanwhile on the other cores; the index it
 * wrote is compressed after it. The output is the same as one step after the other.
 *
 * The rebuild worker's builds (`QINGLIAN_SEARCH_INDEX=later`, src/build/search-later.ts) leave the index out: the
 * pages are compressed (keeping the cache entries of the last index, which the worker's index step used) and the
 * output says `.search-pending.json` (the cache folder); the worker serves the pages first and builds the index
 * after them (src/cli/search-index.ts).
 */
export function postBuild(settings: BuildSettings): AstroIntegration {
  let inputs: string | null = null;
  let cacheDir: string | undefined;
  /** Astro's cache folder: the search index keeps its last index there (src/build/search-index.ts). */
  let astroCache: string | undefined;
  return {
    name: 'qinglian:post-build',
    hooks: {
      'astro:config:done': async ({ config }) => {
        const db = loadDatabaseSettings();
        const store = await storeSignature({ url: db.DATABASE_URL, authToken: db.DATABASE_AUTH_TOKEN });
        inputs = buildInputsHash(fileURLToPath(config.root), settings, store);
        astroCache = fileURLToPath(config.cacheDir);
        cacheDir = join(astroCache, 'qinglian-precompress');
      },
      'astro:build:done': async ({ dir, logger }) => {
        const clientDir = fileURLToPath(dir);
        const cache = cacheDir ? { cacheDir } : {};
        const used = new Set<string>();
        const started = performance.now();
        const stamp = () => writeFile(join(clientDir, '..', '.build-stamp'), stampText(inputs ?? '', new Date()));
        if (process.env[SEARCH_LATER.name] === SEARCH_LATER.value) {
          if (cacheDir) for (const key of await readIndexKeys(cacheDir)) used.add(key);
          const pagesOnly = await precompressDir(clientDir, { ...cache, exclude: [SEARCH_DIR], used });
          logger.info(
            `precompressed ${pagesOnly.files} files in ${seconds(started)}s (${pagesOnly.compressed} compressed, ${pagesOnly.files - pagesOnly.compressed} from the cache, ${pagesOnly.pruned} cache entries pruned; the search index comes later; the last index's cache entries kept)`,
          );
          await writeFile(
            join(clientDir, '..', SEARCH_PENDING),
            `${JSON.stringify({ cacheDir: cacheDir ?? null, searchCacheDir: astroCache ?? null })}\n`,
          );
          await stamp();
          return;
        }
        const [{ pages }, pagesCompressed] = await Promise.all([
          buildSearchIndex(clientDir, undefined, astroCache ? { cacheDir: astroCache } : {}).then((r) => {
            logger.info(
              `indexed ${r.pages} pages for search in ${seconds(started)}s${r.indexed ? '' : ' (unchanged: the last index, from the cache)'}`,
            );
            return r;
          }),
          precompressDir(clientDir, { ...cache, exclude: [SEARCH_DIR], used, prune: false }),
        ]);
        const alongside = seconds(started);
        const after = performance.now();
        const index = await precompressDir(join(clientDir, SEARCH_DIR), { ...cache, used });
        const files = pagesCompressed.files + index.files;
        const compressed = pagesCompressed.compressed + index.compressed;
        // "in …s" is the time after the search index (the benchmark adds it to the index's own).
        logger.info(
          `precompressed ${files} files in ${seconds(after)}s after the search index, ${pagesCompressed.files} of them alongside it (${alongside}s for both) (${compressed} compressed, ${files - compressed} from the cache, ${index.pruned} cache entries pruned; ${pages} pages indexed)`,
        );
        await stamp();
      },
    },
  };
}
