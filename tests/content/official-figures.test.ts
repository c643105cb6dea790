import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORE_SCHEMA, load } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import { readOfficialFigures, readRegistry } from '../../src/content/files.ts';
import { officialMeasures, windowFigure, yearFigures } from '../../src/domain/statistics/official-figures.ts';
import { yearOnYear } from '../../src/domain/statistics/year-on-year.ts';
import { cellsOf } from '../../src/domain/statistics/table.ts';
import { fourFormsDataset, officialQuarterlyDataset, officialTownshipsDataset, officialYoyDataset, type OfficialInput } from '../../src/site/statistics/official.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = join(ROOT, 'tests/fixtures/bad-content/official-figures');

describe('content/official-figures (演示数据)', () => {
  const entries = readOfficialFigures();
  const input: OfficialInput = { years: entries.map((e) => e.data), townships: readRegistry().townships };
  const year = (y: number) => entries.find((e) => e.data.year === y)!.data;

  test('every file is valid and labelled demo data', () => {
    expect(entries.map((e) => e.id)).toEqual(['2024', '2025', '2026']);
    for (const e of entries) expect(e.data.demo, e.file).toBe(true);
  });

  test('2025 against 2024 reproduces the programme\'s published changes', () => {
    const change = (m: (typeof officialMeasures)[number]) => yearOnYear(yearFigures(year(2025))![m], yearFigures(year(2024))![m]);
    expect(change('preliminaryLeads')).toEqual({ kind: 'change', percent: -19.13 });
    expect(change('petitionsAndReports')).toEqual({ kind: 'change', percent: -46.5 });
    expect(change('casesFiled')).toEqual({ kind: 'change', percent: -43.43 });
    // And the page's table says so (not only the function).
    const row = officialYoyDataset(input).tables[0]!.rows.find((r) => r.key === '2025')!;
    const yoy = (key: string) => row.cells[officialYoyDataset(input).tables[0]!.columns.findIndex((c) => c.key === key)];
    expect(yoy('preliminaryLeadsYoy')).toEqual({ kind: 'yoy', change: { kind: 'change', percent: -19.13 } });
    expect(yoy('petitionsAndReportsYoy')).toEqual({ kind: 'yoy', change: { kind: 'change', percent: -46.5 } });
    expect(yoy('casesFiledYoy')).toEqual({ kind: 'yoy', change: { kind: 'change', percent: -43.43 } });
  });

  test('a year in progress is compared with the same quarters of last year, not the whole year', () => {
    const table = officialYoyDataset(input).tables[0]!;
    const row = table.rows.find((r) => r.key === '2026')!;
    const col = table.columns.findIndex((c) => c.key === 'preliminaryLeadsYoy');
    const now = windowFigure(year(2026), [1, 2, 3], 'preliminaryLeads')!;
    const before = windowFigure(year(2025), [1, 2, 3], 'preliminaryLeads')!;
    expect([now, before]).toEqual([121, 139]);
    expect(row.cells[col]).toEqual({ kind: 'yoy', change: yearOnYear(121, 139) });
    expect(row.label).toContain('1–3');
  });

  test('the first year has no previous year: missing, not a change from 0', () => {
    const table = officialYoyDataset(input).tables[0]!;
    const row = table.rows.find((r) => r.key === '2024')!;
    expect(row.cells.filter((c) => c.kind === 'yoy').map((c) => c.change.kind)).toEqual(['missing', 'missing', 'missing', 'missing']);
    const q = officialQuarterlyDataset(input).tables[0]!.rows.find((r) => r.key === '2024-q1')!;
    expect(q.cells.filter((c) => c.kind === 'yoy').every((c) => c.change.kind === 'missing')).toBe(true);
  });

  test('a zero base shows 新增 (北塘镇 立案 0 → 6); small cells are suppressed, with their changes', () => {
    const t2025 = officialTownshipsDataset(input).tables.find((t) => t.key === 'township-2025')!;
    const col = (key: string) => t2025.columns.findIndex((c) => c.key === key);
    const beitang = t2025.rows.find((r) => r.key === 'beitang')!;
    expect(beitang.cells[col('casesFiled')]).toEqual({ kind: 'count', n: 6 });
    expect(beitang.cells[col('casesFiledYoy')]).toEqual({ kind: 'yoy', change: { kind: 'new' } });
    expect(beitang.cells[col('sanctions')]).toEqual({ kind: 'suppressed' });
    expect(beitang.cells[col('sanctionsYoy')]).toEqual({ kind: 'yoy', change: { kind: 'suppressed' } });
    // 2026's townships are three quarters; 2025's are the whole year: no comparison.
    const t2026 = officialTownshipsDataset(input).tables.find((t) => t.key === 'township-2026')!;
    expect(t2026.rows.flatMap((r) => r.cells).filter((c) => c.kind === 'yoy').every((c) => c.change.kind === 'missing' || c.change.kind === 'suppressed')).toBe(true);
  });

  test('四种形态 2025: the 4 is hidden and so is the next smallest (the total is published)', () => {
    const row = fourFormsDataset(input).tables[0]!.rows.find((r) => r.key === '2025')!;
    expect(row.cells.map((c) => c.kind)).toEqual(['share', 'share', 'suppressed', 'suppressed', 'count']);
  });

  test('no official table publishes a count of 1–4', () => {
    let suppressed = 0;
    for (const d of [officialYoyDataset(input), officialQuarterlyDataset(input), fourFormsDataset(input), officialTownshipsDataset(input)]) {
      for (const { cell } of cellsOf(d.tables)) {
        if (cell.kind === 'suppressed') suppressed += 1;
        if ('n' in cell) expect(cell.n === 0 || cell.n >= 5, `${d.key}: ${JSON.stringify(cell)}`).toBe(true);
      }
    }
    expect(suppressed).toBeGreaterThan(0);
  });
});

describe('bad official-figures files', () => {
  const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml'));

  test('every validity rule of src/domain/statistics has a failing fixture (run by tests/content/disclosures.test.ts)', () => {
    const used = new Set<string>();
    const dir = join(ROOT, 'src/domain/statistics');
    for (const f of readdirSync(dir)) {
      if (statSync(join(dir, f)).isDirectory()) continue;
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/'(statistics\.official\.[a-zA-Z]+)'/g)) used.add(m[1]!);
    }
    const covered = new Set(fixtureFiles.map((f) => (load(readFileSync(join(FIXTURES, f), 'utf8'), { schema: CORE_SCHEMA }) as { expect: { message: string } }).expect.message));
    expect(used.size).toBeGreaterThanOrEqual(15);
    expect([...used].filter((k) => !covered.has(k)).toSorted()).toEqual([]);
  });
});
