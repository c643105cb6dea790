import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
  existsSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { compressionLevels, precompressDir } from '../../src/build/precompress.ts';

/**
 * Build precompression (issue 15): every compressible file gets a .br and a .gz that decode to its bytes; with a
 * cache folder kept between builds, a rebuild compresses only the files whose content changed; entries no build uses
 * are pruned once old enough.
 */
const work = mkdtempSync(join(tmpdir(), 'qinglian-precompress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const page = (n: number) =>
  `<!doctype html><html lang="zh-CN"><body>${`<p>清廉 公示 ${n}</p>`.repeat(200)}</body></html>`;

function site(name: string, pages: Record<string, string>): string {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(pages)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const cacheEntries = (cache: string) =>
  readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;

describe('precompressDir', () => {
  const cacheDir = join(work, 'cache');
  const pages = {
    'index.html': page(0),
    'units/index.html': page(1),
    'data/canteen.json': JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ i, unit: 'xixi' }))),
    'tiny.html': '<p>x</p>',
    'logo.png': 'not compressible'.repeat(200),
  };

  test('writes .br and .gz that decode to the file, skipping small and binary files', async () => {
    const dir = site('one', pages);
    const r = await precompressDir(dir, { cacheDir });
    expect(r).toEqual({ files: 3, compressed: 3, pruned: 0 });
    for (const path of ['index.html', 'units/index.html', 'data/canteen.json']) {
      const original = readFileSync(join(dir, path));
      expect(brotliDecompressSync(readFileSync(join(dir, `${path}.br`)))).toEqual(original);
      expect(gunzipSync(readFileSync(join(dir, `${path}.gz`)))).toEqual(original);
    }
    expect(existsSync(join(dir, 'tiny.html.br'))).toBe(false);
    expect(existsSync(join(dir, 'logo.png.br'))).toBe(false);
    expect(cacheEntries(cacheDir)).toBe(6);
    // Written once, into the cache, and linked into the folder (a new file costs far more than a link).
    for (const path of ['index.html.br', 'index.html.gz']) expect(statSync(join(dir, path)).nlink).toBe(2);
  });

  test('a rebuild into a fresh folder compresses only the changed file, and its bytes are the new ones', async () => {
    const dir = site('two', { ...pages, 'units/index.html': page(2) });
    const r = await precompressDir(dir, { cacheDir });
    expect(r.files).toBe(3);
    expect(r.compressed).toBe(1);
    expect(brotliDecompressSync(readFileSync(join(dir, 'units/index.html.br'))).toString()).toBe(page(2));
    expect(gunzipSync(readFileSync(join(dir, 'index.html.gz'))).toString()).toBe(page(0));
    // The old version's entries stay until they are old enough to prune (another build may still use them).
    expect(cacheEntries(cacheDir)).toBe(8);
  });

  test('other levels are other cache entries', async () => {
    const dir = site('three', pages);
    const r = await precompressDir(dir, { cacheDir, levels: { brotli: 4, gzip: 9 } });
    expect(r.compressed).toBe(3);
    expect(compressionLevels).toEqual({ brotli: 5, gzip: 6 });
  });

  test('entries no build used and older than the prune age are removed; used ones stay', async () => {
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const e of readdirSync(cacheDir, { recursive: true, withFileTypes: true }))
      if (e.isFile()) utimesSync(join(e.parentPath, e.name), old, old);
    const dir = site('four', { ...pages, 'units/index.html': page(2) });
    const r = await precompressDir(dir, { cacheDir });
    expect(r.compressed).toBe(0);
    // Left: the three files of this build (br + gz each); pruned: page(1) at the default levels and the three
    // entries at the other levels.
    expect(r.pruned).toBe(4);
    expect(cacheEntries(cacheDir)).toBe(6);
  });

  // src/build/post-build.ts: the pages while Pagefind writes its folder, then that folder; one prune for both.
  test('in two calls (a folder left out, then that folder) the same files are compressed and pruning keeps both', async () => {
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const e of readdirSync(cacheDir, { recursive: true, withFileTypes: true }))
      if (e.isFile()) utimesSync(join(e.parentPath, e.name), old, old);
    const dir = site('six', { ...pages, 'units/index.html': page(2), 'pagefind/pagefind-entry.json': page(3) });
    const used = new Set<string>();
    const first = await precompressDir(dir, { cacheDir, exclude: ['pagefind'], used, prune: false });
    expect(first).toEqual({ files: 3, compressed: 0, pruned: 0 });
    expect(existsSync(join(dir, 'pagefind/pagefind-entry.json.br'))).toBe(false);
    const second = await precompressDir(join(dir, 'pagefind'), { cacheDir, used });
    expect(second).toEqual({ files: 1, compressed: 1, pruned: 0 });
    expect(brotliDecompressSync(readFileSync(join(dir, 'pagefind/pagefind-entry.json.br'))).toString()).toBe(page(3));
    // The three files of the first call and the one of the second, br + gz each: nothing of this build was pruned.
    expect(cacheEntries(cacheDir)).toBe(8);
  });

  test('a folder with nothing to compress leaves a cache folder that was never made alone', async () => {
    const dir = site('seven', { 'tiny.html': '<p>x</p>' });
    const missing = join(work, 'no-cache-yet');
    expect(await precompressDir(dir, { cacheDir: missing })).toEqual({ files: 0, compressed: 0, pruned: 0 });
    expect(existsSync(missing)).toBe(false);
  });

  test('without a cache every file is compressed', async () => {
    const dir = site('five', pages);
    expect(await precompressDir(dir)).toEqual({ files: 3, compressed: 3, pruned: 0 });
    expect(statSync(join(dir, 'index.html.br')).nlink).toBe(1);
    expect(brotliDecompressSync(readFileSync(join(dir, 'index.html.br'))).toString()).toBe(page(0));
  });
});
