import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { describe, expect, test } from 'vitest';

/**
 * The Astro side of "a bad file fails the build": `astro sync` (the content step `astro build`
 * runs first) in a throw-away copy of the project with one broken file must stop with the
 * same `file › field: reason` line that `npm run check:content` prints.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function projectWith(edit: (contentDir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-build-'));
  for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f));
  for (const d of ['src', 'public', 'content']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  edit(join(dir, 'content'));
  return dir;
}

function sync(dir: string) {
  // The Node running the tests (24), not whatever `node` is first on PATH.
  const r = spawnSync(process.execPath, [join(dir, 'node_modules/astro/bin/astro.mjs'), 'sync'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' }, timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function editYaml(contentDir: string, file: string, change: (doc: Record<string, unknown>) => void) {
  const path = join(contentDir, file);
  const doc = load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA }) as Record<string, unknown>;
  change(doc);
  writeFileSync(path, dump(doc, { schema: CORE_SCHEMA }));
}

describe('astro build stops on a bad disclosure file', () => {
  test.each([
    [
      'an unbalanced canteen month',
      (c: string) => editYaml(c, 'canteen-accounts/nanhu-nine-year-school-2026-05.yaml', (d) => (d.closingFen = (d.closingFen as number) + 1)),
      'content/canteen-accounts/nanhu-nine-year-school-2026-05.yaml › closingFen:',
      'disclosures.canteen.balanceMismatch',
    ],
    [
      'a phone number in an aid list',
      (c: string) => editYaml(c, 'student-aid/nanhu-nine-year-school-2026-autumn-boarding.yaml', (d) => (d.objectionChannel = 'call 13812345678')),
      'content/student-aid/nanhu-nine-year-school-2026-autumn-boarding.yaml › objectionChannel:',
      'disclosures.personalData.mobile',
    ],
    [
      'official figures whose year total disagrees with its quarters',
      (c: string) => editYaml(c, 'official-figures/2025.yaml', (d) => ((d.total as { casesFiled: number }).casesFiled += 1)),
      'content/official-figures/2025.yaml › total.casesFiled:',
      'statistics.official.totalMismatch',
    ],
  ])('%s', { timeout: 120_000 }, (_label, edit, fileAndField, key) => {
    const dir = projectWith(edit);
    try {
      const { status, output } = sync(dir);
      expect(status).not.toBe(0);
      expect(output).toContain(fileAndField);
      expect(output).toContain(key);
      expect(output).not.toContain('13812345678');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
