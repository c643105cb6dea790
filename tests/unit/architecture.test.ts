import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
const sourceFiles = files(SRC).filter((f) => /\.(ts|astro|mjs|js|css)$/.test(f));

describe('architecture', () => {
  test('src/domain imports only zod and other domain files', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles.filter((f) => f.startsWith(join(SRC, 'domain')))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
      )) {
        const spec = m[1] ?? m[2]!;
        const allowed =
          spec === 'zod' ||
          (spec.startsWith('.') && !relative(join(SRC, 'domain'), join(file, '..', spec)).startsWith('..'));
        if (!allowed) offenders.push(`${relative(ROOT, file)} imports ${spec}`);
      }
      if (/process\.env|Date\.now\(\)|new Date\(\)/.test(text))
        offenders.push(`${relative(ROOT, file)} reads the environment or the clock`);
    }
    expect(offenders).toEqual([]);
  });

  test('no Han characters in src/ outside src/i18n (comments included)', () => {
    const offenders = sourceFiles
      .filter((f) => !f.startsWith(join(SRC, 'i18n')))
      .filter((f) => /\p{Script=Han}/u.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  test('only src/db (and db/) import drizzle or the libSQL client', () => {
    const offenders = sourceFiles
      .filter((f) => !f.startsWith(join(SRC, 'db')))
      .filter((f) => /from\s+['"](drizzle-orm|@libsql\/client)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  test('pages, components, forms and site adapters reach data through src/services, never src/db', () => {
    const adapters = ['pages', 'components', 'forms', 'site'].map((d) => join(SRC, d) + sep);
    const offenders: string[] = [];
    for (const file of sourceFiles.filter((f) => adapters.some((d) => f.startsWith(d)))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), m[1]!);
        if (target === join(SRC, 'db') || target.startsWith(join(SRC, 'db') + sep))
          offenders.push(`${relative(ROOT, file)} imports ${m[1]!}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test('no set:html or define:vars in pages or components (XSS, RELIABILITY.md V1.2.3)', () => {
    const offenders = sourceFiles
      .filter((f) => f.endsWith('.astro'))
      .filter((f) => /set:html|define:vars/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
  test('no import cycles between top-level src/ folders (files at src/ root count as one folder)', () => {
    const folderOf = (file: string) => {
      const parts = relative(SRC, file).split(sep);
      return parts.length === 1 ? '(src root)' : parts[0]!;
    };
    const edges = new Map<string, Map<string, string>>();
    for (const file of sourceFiles.filter((f) => /\.(ts|astro|mjs)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
        const target = resolve(dirname(file), m[1]!);
        if (!target.startsWith(SRC + sep)) continue;
        const [a, b] = [folderOf(file), folderOf(target)];
        if (a === b) continue;
        if (!edges.has(a)) edges.set(a, new Map());
        if (!edges.get(a)!.has(b)) edges.get(a)!.set(b, `${relative(ROOT, file)} imports ${m[1]!}`);
      }
    }
    // Every path that leads from a folder back to itself, with one import that shows each step.
    const cycles: string[] = [];
    const walk = (start: string, at: string, seen: string[], why: string[]) => {
      for (const [next, step] of edges.get(at) ?? []) {
        if (next === start) cycles.push([...why, step].join(' → '));
        // Only cycles whose smallest folder is `start`, so each is reported once.
        else if (next > start && !seen.includes(next)) walk(start, next, [...seen, next], [...why, step]);
      }
    };
    for (const folder of edges.keys()) walk(folder, folder, [folder], []);
    expect(cycles).toEqual([]);
  });
});
