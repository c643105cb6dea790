import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

  test('no set:html or define:vars in pages or components (XSS, RELIABILITY.md V1.2.3)', () => {
    const offenders = sourceFiles
      .filter((f) => f.endsWith('.astro'))
      .filter((f) => /set:html|define:vars/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
