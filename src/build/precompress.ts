import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
import type { AstroIntegration } from 'astro';
import { buildInputsHash, stampText } from './stamp.ts';
import type { BuildSettings } from '../lib/config.ts';

const COMPRESSIBLE = /\.(html|css|js|mjs|json|svg|xml|txt|csv|webmanifest)$/;
/** Smaller files are not worth a second request path. */
const MIN_BYTES = 1024;

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/**
 * Write .br and .gz beside every compressible file in `dir`, so sirv can send them as they are.
 * zlib's async calls run on libuv's thread pool: a few files at a time keep every core busy
 * (a build of 5,000 disclosure pages spent most of its time here when compressing one by one).
 */
export async function precompressDir(dir: string): Promise<{ files: number }> {
  const paths: string[] = [];
  for await (const path of walk(dir))
    if (COMPRESSIBLE.test(path) && (await stat(path)).size >= MIN_BYTES) paths.push(path);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!;
      const data = await readFile(path);
      const [br, gzipped] = await Promise.all([
        brotli(data, {
          params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
        }),
        gz(data, { level: 9 }),
      ]);
      await Promise.all([writeFile(`${path}.br`, br), writeFile(`${path}.gz`, gzipped)]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(2, availableParallelism()) }, worker));
  return { files: paths.length };
}

/**
 * Astro integration: precompress the client build and stamp it with the hash of the sources as they were
 * when the build started (src/build/stamp.ts; src/cli/prepare.ts reads it).
 */
export function precompress(settings: BuildSettings): AstroIntegration {
  let inputs: string | null = null;
  return {
    name: 'qinglian:precompress',
    hooks: {
      'astro:config:done': ({ config }) => {
        inputs = buildInputsHash(fileURLToPath(config.root), settings);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const clientDir = fileURLToPath(dir);
        const started = performance.now();
        const { files } = await precompressDir(clientDir);
        logger.info(`precompressed ${files} files in ${((performance.now() - started) / 1000).toFixed(1)}s`);
        await writeFile(join(clientDir, '..', '.build-stamp'), stampText(inputs ?? '', new Date()));
      },
    },
  };
}
