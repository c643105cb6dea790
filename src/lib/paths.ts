import { copyFileSync, linkSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the folder with package.json). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `to` made a hard link of `from`, or a copy where no link can be made (EXDEV: another filesystem; EPERM/ENOTSUP:
 * one without hard links; EMLINK: too many links to the file). Any other error is thrown.
 */
export function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw e;
    copyFileSync(from, to);
  }
}

/** Every file under `dir`, as paths relative to it. */
export const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));

/**
 * `from` copied to `to` as hard links (nothing is copied), or as copies where no link can be made (linkOrCopy): a
 * search index into a new build folder, which may be on another filesystem than the folder it comes from.
 */
export function linkTree(from: string, to: string): void {
  for (const f of filesUnder(from)) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    linkOrCopy(join(from, f), join(to, f));
  }
}
