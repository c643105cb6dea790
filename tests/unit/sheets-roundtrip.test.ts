import iconv from 'iconv-lite';
import { describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import type { DisclosureKind } from '../../src/domain/disclosures/kinds.ts';
import { checkUpload } from '../../src/publishing/sheets/check.ts';
import { csvTemplate, xlsxTemplate } from '../../src/publishing/sheets/template.ts';
import { csvText, fillTemplate, uploadContext } from '../support/sheets.ts';

/**
 * Template → filled by ExcelJS → parsed → the same object the content loader produces from the YAML file, for
 * one real file of every kind; the same as a GB18030 CSV; and one arithmetic error named at its cell.
 */
const fixtures: [DisclosureKind, string][] = [
  ['procurement', 'xixi-central-primary-2026-uniforms'],
  ['canteenAccount', 'xixi-central-primary-2026-08'],
  ['studentAid', 'nanhu-nine-year-school-2026-autumn-boarding'],
  ['collectiveAssets', 'hetang-village-2026'],
  ['decision', 'liuwan-village-tea-garden-contract'],
  ['matter', 'qinglan-peoples-hospital-2026-drug-consumables'],
  ['matter', 'qinglan-water-2026-price-adjustment'],
];

const registry = readRegistry();
const published = readDisclosures(undefined, registry);
const unitName = (id: string) => registry.units.find((u) => u.id === id)!.name;
const ctx = uploadContext();
const fixture = (kind: DisclosureKind, id: string) => {
  const e = (published[kind] as { id: string; data: Record<string, unknown> }[]).find((x) => x.id === id);
  if (!e) throw new Error(`no fixture ${kind}/${id}`);
  return e;
};
const templateUnits = (unit: string) => ({ units: [{ id: unit, name: unitName(unit) }] });

describe('spreadsheet round trip', () => {
  test.each(fixtures)('%s %s: xlsx template filled with ExcelJS parses to the YAML object', async (kind, id) => {
    const e = fixture(kind, id);
    const template = await xlsxTemplate(kind, templateUnits(e.data['unit'] as string));
    const filled = await fillTemplate(template, kind, [e], unitName);
    const result = await checkUpload(kind, `${id}.xlsx`, filled, ctx);
    if (result.outcome !== 'valid') throw new Error(JSON.stringify(result, null, 1));
    expect(result.records).toHaveLength(1);
    expect(result.records[0]!.id).toBe(id);
    expect(result.records[0]!.replaces).toBe(true);
    expect(result.records[0]!.data).toEqual(e.data);
  });

  test.each(fixtures)('%s %s: a GB18030 CSV parses to the YAML object', async (kind, id) => {
    const e = fixture(kind, id);
    const bytes = iconv.encode(csvText(kind, [e], unitName), 'gb18030');
    // The bytes are not valid UTF-8, so the reader must have detected GB18030.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const result = await checkUpload(kind, `${id}.csv`, bytes, ctx);
    if (result.outcome !== 'valid') throw new Error(JSON.stringify(result, null, 1));
    expect(result.records[0]!.data).toEqual(e.data);
  });

  test('a UTF-8 CSV with a byte-order mark parses the same', async () => {
    const e = fixture('canteenAccount', 'xixi-central-primary-2026-08');
    const bytes = new TextEncoder().encode(`\uFEFF${csvText('canteenAccount', [e], unitName)}`);
    const result = await checkUpload('canteenAccount', 'a.csv', bytes, ctx);
    expect(result.outcome === 'valid' && result.records[0]!.data).toEqual(e.data);
  });

  test('an arithmetic error is named at its sheet, row and column, with the rule and its code', async () => {
    const e = fixture('canteenAccount', 'xixi-central-primary-2026-08');
    const wrong = { ...e, data: { ...e.data, closingFen: (e.data['closingFen'] as number) + 1 } };
    const filled = await fillTemplate(
      await xlsxTemplate('canteenAccount', templateUnits('xixi-central-primary')),
      'canteenAccount',
      [wrong],
      unitName,
    );
    const result = await checkUpload('canteenAccount', 'a.xlsx', filled, ctx);
    expect(result.outcome).toBe('problems');
    if (result.outcome !== 'problems') return;
    const p = result.problems.find((x) => x.code === 'disclosures.canteen.balanceMismatch');
    expect(p).toMatchObject({ sheet: '月度收支', row: 3, column: '期末余额（元）' });
    expect(p!.text.startsWith('「月度收支」第 3 行「期末余额（元）」：')).toBe(true);
  });

  test('the CSV template is UTF-8 with a BOM, one block per sheet', () => {
    const csv = csvTemplate('canteenAccount', templateUnits('xixi-central-primary'));
    expect(csv.startsWith('\uFEFF【月度收支】')).toBe(true);
    expect(csv).toContain('【收入明细】');
  });

  test('matters: the power drop-down lists the clerk’s units’ power titles; another unit’s power is named at its cell', async () => {
    const unit = registry.units.find((u) => u.id === 'qinglan-peoples-hospital')!;
    const template = await xlsxTemplate('matter', { units: [unit] });
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(template) as unknown as ArrayBuffer);
    const lists = wb.getWorksheet('选项')!;
    const column = [1, 2, 3, 4].find((c) => lists.getCell(1, c).value === '所属小微权力清单事项')!;
    expect([lists.getCell(2, column).value, lists.getCell(3, column).value]).toEqual([
      '药品耗材采购',
      '大型医用设备购置',
    ]);
    const main = wb.getWorksheet('公开事项')!;
    expect(main.getCell(3, 4).dataValidation).toMatchObject({ type: 'list' });

    const e = fixture('matter', 'qinglan-peoples-hospital-2026-drug-consumables');
    const wrong = { ...e, data: { ...e.data, power: '阳光招生' } };
    const result = await checkUpload(
      'matter',
      'm.xlsx',
      await fillTemplate(template, 'matter', [wrong], unitName),
      ctx,
    );
    expect(result.outcome).toBe('problems');
    if (result.outcome !== 'problems') return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({
      code: 'disclosures.matter.unknownPower',
      sheet: '公开事项',
      row: 3,
      column: '所属小微权力清单事项',
    });
  });
});
