import { describe, expect, test } from 'vitest';
import { allowsFraming, securityHeaders } from '../../src/api/security.ts';
import ExcelJS from 'exceljs';
import {
  CSV_COLUMNS,
  datasetCsv,
  datasetJson,
  datasetTableCsv,
  datasetXlsx,
  flatCell,
} from '../../src/site/statistics/export.ts';
import { formatCell } from '../../src/site/statistics/format.ts';
import {
  disclosuresOnTimeDataset,
  monthsBetween,
  passRatesDataset,
  satisfactionDataset,
} from '../../src/site/statistics/portal.ts';
import { rateCell, type Cell } from '../../src/domain/statistics/cells.ts';
import type { Dataset } from '../../src/site/statistics/model.ts';
import { t } from '../../src/i18n/t.ts';

describe('embeddable charts: framing allowed for the embed route only', () => {
  test.each([
    ['/statistics/embed/official-yoy/', true],
    ['/statistics/embed/official-yoy', true],
    ['/statistics/embed/reply-times/?v=1', true],
    ['/statistics/official-yoy/', false],
    ['/statistics/embed/', false],
    ['/statistics/embed/../../feedback/', false],
    ['/statistics/embed/%2e%2e/feedback/', false],
    ['/statistics/embed/x/../../../feedback/', false],
    ['/statistics/embed//feedback/', false],
    ['/feedback/?/statistics/embed/x/', false],
  ])('%s → %s', (url, framable) => {
    expect(allowsFraming(url)).toBe(framable);
  });

  test('the embed policy differs from the default only in frame-ancestors, and drops X-Frame-Options', () => {
    const strict = securityHeaders({ https: false });
    const embed = securityHeaders({ https: false, framable: true });
    expect(strict['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(strict['X-Frame-Options']).toBe('DENY');
    expect(embed['Content-Security-Policy']).toBe(
      strict['Content-Security-Policy']!.replace("frame-ancestors 'none'", 'frame-ancestors *'),
    );
    expect(embed['X-Frame-Options']).toBeUndefined();
    expect(embed['Content-Security-Policy']).toContain("script-src 'self'");
  });
});

const dataset = (cells: Cell[]): Dataset => ({
  key: 'reply-times',
  title: 'T',
  lead: 'L',
  definitions: ['d'],
  source: 's',
  period: 'p',
  updated: '2026-01-01',
  demo: true,
  tables: [
    {
      key: 'x',
      caption: 'c',
      columns: cells.map((_, i) => ({ key: `c${i}`, label: `标签,${i}` })),
      rows: [{ key: 'r', label: 'row "1"', cells }],
      chart: null,
    },
  ],
});

describe('open data of a series', () => {
  const cells: Cell[] = [
    { kind: 'count', n: 12 },
    { kind: 'suppressed' },
    { kind: 'missing' },
    { kind: 'none' },
    rateCell(7, 9),
    { kind: 'median', days: 3.5, n: 6, smallSample: true },
    { kind: 'share', share: 0.75, n: 150 },
    { kind: 'yoy', change: { kind: 'change', percent: -19.13 } },
    { kind: 'yoy', change: { kind: 'new' } },
  ];

  test('CSV: one line per cell, status words instead of blanks, quoted labels', () => {
    const csv = datasetCsv(dataset(cells));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(cells.length + 1);
    expect(lines[1]).toBe('reply-times,x,r,"row ""1""",c0,"标签,0",count,12,12,,,ok');
    expect(lines[2]).toMatch(/,suppressed,,,,,suppressed$/);
    expect(lines[5]).toMatch(/,rate,77\.78,9,\d+\.\d+,\d+\.\d+,smallSample$/);
    expect(lines[8]).toMatch(/,yoy,-19\.13,,,,ok$/);
    expect(lines[9]).toMatch(/,yoy,,,,,new$/);
    expect(csv).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('table CSV for people: BOM, Chinese headers, one row per period, the page words for each cell', () => {
    const csv = datasetTableCsv(dataset(cells));
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trimEnd().split('\r\n');
    expect(lines.slice(0, 3)).toEqual(['T', '数据来源：s', '统计区间：p']);
    const header = lines.indexOf('');
    expect(lines[header + 1]).toBe(`c,${cells.map((_, i) => `"标签,${i}"`).join(',')}`);
    // One row per row of the table (here one), its cells as the page shows them; counts as plain numbers.
    expect(lines).toHaveLength(header + 3);
    const row = lines[header + 2]!;
    expect(row.startsWith('"row ""1""",12,<5,')).toBe(true);
    expect(row).toContain(`${formatCell(rateCell(7, 9)).text}（样本不足）`);
    expect(row).toContain('\u221219.13%');
    expect(csv).not.toMatch(/NaN|Infinity|undefined/);
  });

  test('.xlsx: written by ExcelJS and read back: a definitions sheet, then the table, numbers as numbers', async () => {
    const bytes = await datasetXlsx(dataset(cells));
    // An Office Open XML file is a zip archive.
    expect([...bytes.slice(0, 2)]).toEqual([0x50, 0x4b]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes.buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['说明', 'c']);
    const table = wb.worksheets[1]!;
    expect(table.getRow(1).getCell(2).value).toBe('标签,0');
    expect(table.getRow(2).getCell(1).value).toBe('row "1"');
    expect(table.getRow(2).getCell(2).value).toBe(12);
    expect(table.getRow(2).getCell(3).value).toBe('<5');
  });

  test('JSON: typed cells and the rules; a non-finite number is refused, not written as null', () => {
    const body = JSON.parse(datasetJson(dataset(cells), 'https://example.org/statistics/reply-times/')) as {
      rules: { suppressionThreshold: number };
      tables: { rows: { cells: Cell[] }[] }[];
    };
    expect(body.rules.suppressionThreshold).toBe(5);
    expect(body.tables[0]!.rows[0]!.cells).toEqual(cells);
    expect(() => datasetJson(dataset([{ kind: 'median', days: Number.NaN, n: 6, smallSample: true }]), 'u')).toThrow(
      RangeError,
    );
  });

  test('flatCell and formatCell agree on what is not a number', () => {
    for (const c of cells) {
      const f = flatCell(c);
      const shown = formatCell(c).text;
      if (f.value === null) expect(shown).not.toMatch(/^\d/);
      else expect(shown).toMatch(/\d/);
    }
    expect(formatCell({ kind: 'suppressed' }).text).toBe('<5');
    expect(formatCell({ kind: 'yoy', change: { kind: 'new' } }).text).toBe(t('statistics.cell.new'));
    expect(formatCell(rateCell(7, 9)).flag).toBe(t('statistics.cell.smallSample'));
  });
});

describe('portal series builders', () => {
  test('monthsBetween crosses years', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-03', '2026-02')).toEqual([]);
  });

  test('satisfaction: no responses is "none", 3 responses suppressed, never 0/0', () => {
    const d = satisfactionDataset(
      [
        {
          carrier: 'school',
          periodLabel: 'a',
          opensOn: '2026-01-01',
          closesOn: '2026-03-01',
          n: 0,
          positive: 0,
          nExcludingUnsure: 0,
        },
        {
          carrier: 'village',
          periodLabel: 'b',
          opensOn: '2026-01-01',
          closesOn: '2026-03-01',
          n: 3,
          positive: 3,
          nExcludingUnsure: 3,
        },
        {
          carrier: 'agency',
          periodLabel: 'c',
          opensOn: '2026-01-01',
          closesOn: '2026-03-01',
          n: 40,
          positive: 30,
          nExcludingUnsure: 36,
        },
      ],
      { computedAt: '2026-03-01T00:00:00Z', currentMonth: '2026-03', demo: true },
    );
    expect(d.tables[0]!.rows.map((r) => r.cells[0]!.kind)).toEqual(['rate', 'none', 'suppressed']);
    expect(d.tables[0]!.rows[0]!.cells[0]).toMatchObject({ rate: 0.75, n: 40, smallSample: false });
  });

  test('canteen timeliness per quarter and school (on time = published by the 15th of the next month)', () => {
    const rows = ['2026-01', '2026-02', '2026-03'].flatMap((month) =>
      ['a', 'b'].map((unitId, i) => ({
        unitId,
        unitName: unitId.toUpperCase(),
        month,
        publishedOn: '2026-04-01',
        onTime: i === 0 || month !== '2026-03',
        demo: true,
      })),
    );
    const d = disclosuresOnTimeDataset(rows);
    const q = d.tables[0]!.rows;
    expect(q.map((r) => r.key)).toEqual(['2026-q1']);
    expect(q[0]!.cells[0]).toEqual({ kind: 'count', n: 6 });
    expect(q[0]!.cells[1]).toMatchObject({ kind: 'rate', rate: 5 / 6, n: 6, smallSample: true });
    // Three months per school: n = 3 is below the suppression threshold.
    expect(d.tables[1]!.rows.map((r) => r.cells.map((c) => c.kind))).toEqual([
      ['suppressed', 'suppressed'],
      ['suppressed', 'suppressed'],
    ]);
  });
});

describe('pass rates (from the scoring engine)', () => {
  const rate = (carrier: 'school' | 'village', year: number, assessed: number, passed: number, pending = 0) => ({
    carrier,
    year,
    units: assessed + pending,
    assessed,
    passed,
    model: 0,
    failed: assessed - passed,
    vetoed: assessed - passed,
    pending,
    insufficient: 0,
    passRate: assessed ? passed / assessed : null,
  });

  test('per carrier and year, plus all carriers per year; pending units are not in the denominator', () => {
    const d = passRatesDataset(
      [rate('school', 2025, 3, 2, 1), rate('village', 2025, 6, 5), rate('school', 2026, 0, 0, 3)],
      { computedAt: '2026-03-01T00:00:00Z', currentMonth: '2026-03', demo: true },
    );
    const table = d.tables[0]!;
    const col = (key: string) => table.columns.findIndex((c) => c.key === key);
    const byKey = Object.fromEntries(table.rows.map((r) => [r.key, r.cells]));
    expect(Object.keys(byKey)).toEqual(['school-2025', 'school-2026', 'village-2025', 'all-2025', 'all-2026']);
    // 3 graded schools: rate and counts suppressed; 6 villages: 5/6, flagged.
    expect(byKey['school-2025']![col('passRate')]).toEqual({ kind: 'suppressed' });
    expect(byKey['village-2025']![col('passRate')]).toMatchObject({
      kind: 'rate',
      rate: 5 / 6,
      n: 6,
      smallSample: true,
    });
    // Nothing graded yet: no rate at all (never 0 / 0).
    expect(byKey['school-2026']![col('passRate')]).toEqual({ kind: 'none' });
    // All carriers 2025: 7 of 9 graded units passed; the one pending school is not among the 9.
    expect(byKey['all-2025']![col('passRate')]).toMatchObject({ kind: 'rate', rate: 7 / 9, n: 9 });
    expect(byKey['all-2025']![col('assessed')]).toEqual({ kind: 'count', n: 9 });
    expect(table.columns.map((c) => c.key)).not.toContain('units');
  });
});
