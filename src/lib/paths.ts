import { copyFileSync, linkSync } from 'node:fs';
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
