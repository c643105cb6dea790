import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { linkOrCopy } from '../lib/paths.ts';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

const COMPRESSIBLE = /\.(html|css|js|mjs|json|svg|xml|txt|csv|webmanifest)$/;
/** Smaller files are not worth a second request path. */
const MIN_BYTES = 1024;

/**
 * The levels, chosen by measurement (`npm run bench` prints the table, tests/bench/compression-levels.ts). On the
 * demo build (262 files, 2.7 MB): brotli 5 writes 26.3 % of the bytes in 101 ms, 11 writes 22.8 % in 5,855 ms —
 * 58× the time for 3.5 points; 6–9 gain under 0.7 points, 10 costs 20×. gzip 6 and 9 differ by 0.07 points (gzip is
 * the fallback for the few clients without brotli). Cached by content hash, so a file is compressed once.
 */
export const compressionLevels = { brotli: 5, gzip: 6 } as const;
export type CompressionLevels = { brotli: number; gzip: number };

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/**
 * The files under `dir`, leaving out the folders `exclude` names directly under it. Synchronous, like the cache
 * lookups below: a few microseconds a call, where each async call waits its turn on the thread pool.
 */
function filesUnder(dir: string, exclude: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) return [path];
    if (exclude.includes(entry.name)) return [];
    return readdirSync(path, { withFileTypes: true, recursive: true }).flatMap((e) =>
      e.isDirectory() ? [] : [join(e.parentPath, e.name)],
    );
  });
}

export interface PrecompressOptions {
  /**
   * A folder kept between builds: the compressed bytes of every file by the sha-256 of its content and the levels,
   * so a rebuild compresses only what changed. Without it every file is compressed.
   */
  cacheDir?: string;
  levels?: CompressionLevels;
  /** Cache entries older than this and not used by this run are removed (another build may be writing its own). */
  pruneAfterMs?: number;
  /** Folders directly under `dir` left out: compressed by a later call (the search index, written meanwhile). */
  exclude?: readonly string[];
  /**
   * The cache keys of the same build's earlier calls; this call adds its own. With `prune: false` the cache is not
   * pruned (a later call of the same build prunes with every key).
   */
  used?: Set<string>;
  prune?: boolean;
}

export interface PrecompressResult {
  /** Files given a .br and a .gz. */
  files: number;
  /** Of them, compressed in this run (the others came from the cache). */
  compressed: number;
  /** Cache entries removed because no file of this build uses them. */
  pruned: number;
}

/** Write `data` to `path` atomically (a temporary name in the same folder, then rename). */
async function writeAtomically(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.${randomUUID()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** A hard link where the file system allows it (same device), else a copy. */
function place(from: string, to: string): void {
  rmSync(to, { force: true });
  linkOrCopy(from, to);
}

/** Files compressed at once, per core. */
const FILES_PER_CORE = 4;

/** Cache hits between two turns of the event loop (the lookups are synchronous; Pagefind's replies wait meanwhile). */
const HITS_PER_TURN = 64;

/**
 * Write .br and .gz beside every compressible file in `dir`, so the server can send them as they are.
 * zlib's async calls run on libuv's thread pool: a few files at a time keep every core busy. With a cache folder,
 * a file whose content and levels were compressed before is linked from the cache instead.
 */
export async function precompressDir(dir: string, opts: PrecompressOptions = {}): Promise<PrecompressResult> {
  const levels = opts.levels ?? compressionLevels;
  const paths = filesUnder(dir, opts.exclude ?? []).filter(
    (path) => COMPRESSIBLE.test(path) && statSync(path).size >= MIN_BYTES,
  );
  const suffix = `b${levels.brotli}g${levels.gzip}`;
  const used = opts.used ?? new Set<string>();
  let compressed = 0;
  let next = 0;
  let hits = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const data = readFileSync(path);
      const key = `${createHash('sha256').update(data).digest('hex')}-${suffix}`;
      const cached = opts.cacheDir ? join(opts.cacheDir, key.slice(0, 2), key) : undefined;
      if (cached) used.add(key);
      if (cached && existsSync(`${cached}.br`) && existsSync(`${cached}.gz`)) {
        place(`${cached}.br`, `${path}.br`);
        place(`${cached}.gz`, `${path}.gz`);
        if (++hits % HITS_PER_TURN === 0) await new Promise((r) => setImmediate(r));
        continue;
      }
      const [br, gzipped] = await Promise.all([
        brotli(data, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: levels.brotli,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          },
        }),
        gz(data, { level: levels.gzip }),
      ]);
      compressed += 1;
      if (cached) {
        // Written once, into the cache, and linked from there: a new file costs this disk 0.25–0.5 ms, a link 15 µs.
        await mkdir(dirname(cached), { recursive: true });
        await Promise.all([writeAtomically(`${cached}.br`, br), writeAtomically(`${cached}.gz`, gzipped)]);
        place(`${cached}.br`, `${path}.br`);
        place(`${cached}.gz`, `${path}.gz`);
      } else await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gzipped)]);
    }
  };
  // Files in flight: each waits on the disk as well as on zlib, so more than the cores keep both busy (6,667 files
  // at 5,000 disclosures, nothing cached: 8.8–9.0 s with 2 in flight, 6.5 s with 8 on 2 cores).
  await Promise.all(Array.from({ length: FILES_PER_CORE * availableParallelism() }, worker));
  const pruned =
    opts.cacheDir && opts.prune !== false ? await prune(opts.cacheDir, used, opts.pruneAfterMs ?? 3_600_000) : 0;
  return { files: paths.length, compressed, pruned };
}

/** Removes cache entries this build did not use and that are older than `afterMs`; returns how many. */
async function prune(cacheDir: string, used: ReadonlySet<string>, afterMs: number): Promise<number> {
  const before = Date.now() - afterMs;
  let removed = 0;
  // A build with nothing to compress has not made the folder.
  if (!existsSync(cacheDir)) return 0;
  for await (const path of walk(cacheDir)) {
    const name = path.slice(dirname(path).length + 1);
    const key = name.replace(/\.(br|gz)$/, '');
    if (used.has(key)) continue;
    const st = await stat(path).catch(() => undefined);
    if (!st || st.mtimeMs > before) continue;
    await rm(path, { force: true });
    if (name.endsWith('.br')) removed += 1;
  }
  return removed;
}
