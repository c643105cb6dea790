import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { BuildSettings } from '../lib/config.ts';

/**
 * The build stamp (dist/.build-stamp): a hash of what `astro build` reads, taken when the build starts
 * and written when it succeeds (src/build/precompress.ts). `npm start` rebuilds only when the hash of
 * the sources differs (src/cli/prepare.ts). Content, not modification times: a checkout, a `touch` or
 * an edit of a server-only file no longer costs a rebuild of minutes on the next start.
 */
export const BUILD_INPUTS = ['src', 'content', 'public', 'astro.config.mjs', 'package.json', 'package-lock.json'];
/** Read by the server and the CLIs only, never bundled by `astro build`. */
export const NOT_BUILD_INPUTS = ['src/server.ts', 'src/cli'];

function* files(root: string, path: string): Generator<string> {
  const rel = relative(root, path).split(sep).join('/');
  if (NOT_BUILD_INPUTS.includes(rel) || !existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    yield rel;
    return;
  }
  for (const name of readdirSync(path).sort()) yield* files(root, join(path, name));
}

/**
 * SHA-256 over the build settings (SITE_URL, DEMO: baked into every page), the disclosure store's approved
 * versions (`store`: src/db/disclosure-store-snapshot.ts `storeSignature`, what the loaders merge into the
 * collections; empty without a store) and the build inputs' relative paths and contents, in a fixed order.
 */
export function buildInputsHash(root: string, settings: BuildSettings, store = ''): string {
  const hash = createHash('sha256');
  hash.update(`settings\0${JSON.stringify({ SITE_URL: settings.SITE_URL, DEMO: settings.DEMO })}\0`);
  // Absent from the hash when empty: a build from content/ alone keeps the stamp it had before the store.
  if (store !== '') hash.update(`store\0${store}\0`);
  for (const input of BUILD_INPUTS)
    for (const rel of files(root, join(root, input))) {
      hash.update(`${rel}\0`);
      hash.update(readFileSync(join(root, rel)));
      hash.update('\0');
    }
  return hash.digest('hex');
}

/** The stamp of an output folder (`dist/`, or a folder given to `astro build --outDir`). */
const stampPath = (outDir: string): string => join(outDir, '.build-stamp');

export const stampText = (inputs: string, builtAt: Date): string =>
  `${JSON.stringify({ builtAt: builtAt.toISOString(), inputs })}\n`;

/** The inputs hash recorded by the output folder's build, or null (no build, or an older stamp). */
export function stampedInputs(outDir: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(stampPath(outDir), 'utf8')) as { inputs?: unknown };
    return typeof parsed.inputs === 'string' ? parsed.inputs : null;
  } catch {
    return null;
  }
}
