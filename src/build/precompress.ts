import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { AstroIntegration } from 'astro';

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

/** Write .br and .gz beside every compressible file in `dir`, so sirv can send them as they are. */
export async function precompressDir(dir: string): Promise<{ files: number }> {
  let files = 0;
  for await (const path of walk(dir)) {
    if (!COMPRESSIBLE.test(path) || (await stat(path)).size < MIN_BYTES) continue;
    const data = await readFile(path);
    await writeFile(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
    await writeFile(`${path}.gz`, gzipSync(data, { level: 9 }));
    files += 1;
  }
  return { files };
}

/** Astro integration: precompress the client build and stamp it (src/cli/prepare.ts reads the stamp). */
export function precompress(): AstroIntegration {
  return {
    name: 'qinglian:precompress',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const clientDir = fileURLToPath(dir);
        const { files } = await precompressDir(clientDir);
        logger.info(`precompressed ${files} files`);
        await writeFile(join(clientDir, '..', '.build-stamp'), new Date().toISOString());
      },
    },
  };
}
