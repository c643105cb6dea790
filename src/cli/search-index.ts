import { indexLater } from '../build/search-later.ts';

/**
 * `node src/cli/search-index.ts <outDir>`: the rebuild worker's search index step (src/build/search-later.ts) for a
 * build whose pages are already served; writes `<outDir>/client/.pagefind-next/`, which the worker swaps in.
 * Prints the same `indexed … in Xs` / `precompressed … in Ys` lines as a full build; exit 1 with the reason on failure.
 */
const outDir = process.argv[2];
if (!outDir) {
  process.stderr.write('usage: node src/cli/search-index.ts <outDir>\n');
  process.exit(2);
}
try {
  const r = await indexLater(outDir);
  process.stdout.write(
    `indexed ${String(r.pages)} pages for search in ${String(r.indexSeconds)}s${r.indexed ? '' : ' (unchanged: the last index, from the cache)'}\nprecompressed ${String(r.files)} files in ${String(r.compressSeconds)}s (${String(r.compressed)} compressed, ${String(r.files - r.compressed)} from the cache)\n`,
  );
} catch (e) {
  process.stderr.write(`search index failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
