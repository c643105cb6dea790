import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Helpers that read the production build in dist/client (the e2e project runs after `astro build`). */
export const CLIENT_DIR = fileURLToPath(new URL('../../dist/client', import.meta.url));
/** Files a person or a program reads as text; precompressed copies and Pagefind's binary index are skipped. */
const TEXT = /\.(html|json|csv|xml|js|mjs|css|svg|txt|webmanifest)$/;

export function builtFiles(dir = CLIENT_DIR): string[] {
  if (!existsSync(dir)) throw new Error(`no build at ${dir}: run \`npx astro build\` first`);
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? builtFiles(path) : [path];
  });
}

export const builtTextFiles = (): string[] => builtFiles().filter((f) => TEXT.test(f));
export const sitePath = (file: string): string => `/${relative(CLIENT_DIR, file)}`.replace(/index\.html$/, '');
export const readBuilt = (path: string): string => readFileSync(join(CLIENT_DIR, path), 'utf8');
/**
 * The Beijing date the build counted from (its open data's `asOf`). Tests that recompute dated facts (days overdue,
 * publicity ended) use it rather than today: a build before Beijing midnight is read by a test after it.
 */
export const builtOn = (): string => (JSON.parse(readBuilt('data/procurements.json')) as { asOf: string }).asOf;

/** Bytes transferred for a page: its HTML and every stylesheet it links, each gzip-compressed. */
export function pageWeight(htmlFile: string): { html: number; css: number; scripts: string[] } {
  const html = readFileSync(htmlFile);
  const text = html.toString('utf8');
  const css = [...text.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map(
    (m) => gzipSync(readFileSync(join(CLIENT_DIR, m[1]!)), { level: 9 }).length,
  );
  const scripts = [...text.matchAll(/<script\b[^>]*>|<link[^>]+rel="modulepreload"[^>]*>|\.m?js"/g)].map((m) => m[0]);
  return { html: gzipSync(html, { level: 9 }).length, css: css.reduce((a, b) => a + b, 0), scripts };
}
