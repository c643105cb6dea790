import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { compressionLevels } from '../../src/build/precompress.ts';

/**
 * The measurement behind `compressionLevels` (src/build/precompress.ts): every brotli quality from 4 to 11 and gzip
 * level from 6 to 9 over the compressible files of a build, one thread, total output size and time. Printed by
 * `npm run bench` (BENCH_ONLY=compression alone).
 */
export function compressionLevelTable(clientDir: string, log: (line: string) => void): void {
  const files: Buffer[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(html|css|js|mjs|json|svg|xml|txt|csv|webmanifest)$/.test(p) && statSync(p).size >= 1024)
        files.push(readFileSync(p));
    }
  };
  walk(clientDir);
  const raw = files.reduce((a, b) => a + b.length, 0);
  log(`\ncompression levels over ${files.length} files of the build (${(raw / 1e6).toFixed(2)} MB), one thread:`);
  const row = (label: string, chosen: boolean, run: (f: Buffer) => Buffer) => {
    const started = performance.now();
    const size = files.reduce((a, f) => a + run(f).length, 0);
    const ms = performance.now() - started;
    log(
      `  ${label.padEnd(10)} ${(size / 1e3).toFixed(0).padStart(7)} kB  ${((100 * size) / raw).toFixed(2).padStart(6)} %  ${ms.toFixed(0).padStart(6)} ms${chosen ? '  ← used' : ''}`,
    );
  };
  for (let q = 4; q <= 11; q++)
    row(`brotli ${q}`, q === compressionLevels.brotli, (f) =>
      brotliCompressSync(f, {
        params: { [constants.BROTLI_PARAM_QUALITY]: q, [constants.BROTLI_PARAM_SIZE_HINT]: f.length },
      }),
    );
  for (let l = 6; l <= 9; l++) row(`gzip ${l}`, l === compressionLevels.gzip, (f) => gzipSync(f, { level: l }));
}
