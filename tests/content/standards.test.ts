/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return --
   the cases edit a parsed standard YAML by path; the checks under test say what is wrong with it. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, dump, load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { CONTENT_DIR } from '../../src/content/files.ts';
import { readStandards, StandardsError } from '../../src/content/standards-files.ts';
import { allIndicators, indicatorsFor } from '../../src/domain/scoring/standard.ts';
import { unitCarriers } from '../../src/domain/units/schema.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A copy of content/ with one standard edited. */
function contentWith(file: string, change: (doc: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'qinglian-standards-'));
  cpSync(CONTENT_DIR, join(dir, 'content'), { recursive: true });
  const path = join(dir, 'content', 'standards', file);
  const doc = load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA }) as Record<string, any>;
  change(doc);
  writeFileSync(path, dump(doc, { schema: CORE_SCHEMA }));
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    readStandards(join(dir, 'content'));
    return [];
  } catch (e) {
    if (e instanceof StandardsError) return e.problems;
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('content/standards', () => {
  const standards = readStandards(CONTENT_DIR).map((f) => f.standard);

  test('the demo year, the previous year and the draft all parse; 2025 has the 41 indicators of DOMAIN.md §4.3, 2026 and 2027 the seven enterprise risk areas (43)', () => {
    expect(standards.map((s) => `${s.year}:${s.status}`)).toEqual(['2025:adopted', '2026:adopted', '2027:draft']);
    for (const s of standards) {
      expect(allIndicators(s)).toHaveLength(s.year === 2025 ? 41 : 43);
      expect(s.common).toHaveLength(7);
      for (const c of unitCarriers) expect(indicatorsFor(s, c).reduce((sum, i) => sum + i.indicator.points, 0)).toBe(100);
    }
  });

  test('the previous year differs from the demo year only slightly', () => {
    const [prev, demo] = standards;
    const points = (s: typeof prev) => Object.fromEntries(allIndicators(s!).map((i) => [i.indicator.key, i.indicator.points]));
    const changed = Object.keys(points(demo)).filter((k) => points(prev)[k] !== points(demo)[k]);
    // 2026: the enterprise carrier follows the programme's seven risk areas (Q1–Q7, four of them [R]).
    expect(changed).toEqual(['J1', 'J6', 'Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7']);
  });

  test('DOMAIN.md §4.3 enterprise: seven risk areas, the three named by the source first, the other four marked [R]', () => {
    for (const s of standards.filter((x) => x.year >= 2026)) {
      const q = s.individual.enterprise!;
      expect(q.map((i) => i.key)).toEqual(['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q6', 'Q7']);
      expect(q.map((i) => i.name.slice(0, 4))).toEqual(['风险防控', '员工违纪', '日常监督', '采购和招', '财务和资', '反商业贿', '亲清政商']);
      expect(q.map((i) => i.reconstructed)).toEqual([false, false, false, true, true, true, true]);
    }
  });

  test('DOMAIN.md §4.3 C6: 2026 and 2027 fail the pass line below 90 % satisfaction; C3 counts lectures ≥ 1 and warning education ≥ 2', () => {
    for (const s of standards.filter((x) => x.year >= 2026)) {
      expect(s.grading.pass.minSatisfaction).toBe(0.9);
      const c3 = s.common.find((i) => i.key === 'C3')!.measure;
      expect(c3.kind === 'count' && c3.items).toEqual([
        { key: 'lectures', label: '廉政党课', minimum: 1 },
        { key: 'warningSessions', label: '警示教育', minimum: 2 },
      ]);
    }
  });

  test.each([
    ['points that do not add up', (d: Record<string, any>) => (d.individual.school[0].points = 7), 'content/standards/2026.yaml › individual.school: ', 'scoring.standard.pointsMismatch', '共性 40 + 个性 59 = 99，应为 100'],
    ['an unknown carrier', (d: Record<string, any>) => (d.individual.prison = d.individual.school), 'content/standards/2026.yaml › individual.prison: ', 'scoring.standard.unknownCarrier', '未声明的载体"prison"'],
    ['a duplicate key', (d: Record<string, any>) => (d.individual.village[1].key = 'V1'), 'content/standards/2026.yaml › individual.village.1.key: ', 'scoring.standard.duplicateKey', '第一次出现在 individual.village.0.key'],
    ['an unknown measure kind', (d: Record<string, any>) => (d.common[0].measure = { kind: 'vibes' }), 'content/standards/2026.yaml › common.0.measure.kind: ', '', ''],
    ['a year that does not match the file name', (d: Record<string, any>) => (d.year = 2024), 'content/standards/2026.yaml › year: ', 'scoring.standard.yearMismatch', '文件名为 2026 年'],
  ])('%s is rejected naming the file and the field', (_label, edit, fileAndField, key, text) => {
    const problems = problemsOf(contentWith('2026.yaml', edit));
    const line = problems.find((p) => p.startsWith(fileAndField));
    expect(line, problems.join('\n')).toBeDefined();
    expect(line).toContain(key);
    expect(line).toContain(text);
  });

  test('astro sync (the first step of astro build) stops on a bad standard with the same line', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-build-'));
    try {
      for (const f of ['astro.config.mjs', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(dir, f));
      for (const d of ['src', 'public', 'content']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
      const path = join(dir, 'content/standards/2026.yaml');
      const doc = load(readFileSync(path, 'utf8'), { schema: CORE_SCHEMA }) as Record<string, any>;
      doc.individual.hospital[0].points = 11;
      writeFileSync(path, dump(doc, { schema: CORE_SCHEMA }));
      const r = spawnSync(process.execPath, [join(dir, 'node_modules/astro/bin/astro.mjs'), 'sync'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' }, timeout: 120_000 });
      expect(r.status).not.toBe(0);
      const output = `${r.stdout}${r.stderr}`;
      expect(output).toContain('content/standards/2026.yaml › individual.hospital:');
      expect(output).toContain('scoring.standard.pointsMismatch');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
