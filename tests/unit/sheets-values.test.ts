import ExcelJS from 'exceljs';
import { describe, expect, test } from 'vitest';
import { ConsoleAccount } from '../../src/domain/staff/roles.ts';
import { columnLabel, sheetName } from '../../src/publishing/sheets/check.ts';
import { kindLayouts } from '../../src/publishing/sheets/layouts.ts';
import { xlsxTemplate } from '../../src/publishing/sheets/template.ts';
import { parseDateText, serialToIso, yuanToFen } from '../../src/publishing/sheets/values.ts';
import { inScope } from '../../src/staff/guard.ts';
import type { StaffSession } from '../../src/staff/auth.ts';

describe('yuan → fen, exactly', () => {
  test.each([
    ['1234.50', 123450],
    ['1234.5', 123450],
    ['0.01', 1],
    ['1,234,567.89', 123456789],
    ['\u00a5 88', 8800],
    ['88.00\u5143', 8800],
    ['100000000.00', 10_000_000_000],
    // 0.29 * 100 is 28.999999999999996 in floating point; the digits say 29.
    ['0.29', 29],
    ['1.15', 115],
  ])('%s → %i fen', (text, fen) => expect(yuanToFen(text, false)).toEqual({ ok: true, value: fen }));

  test.each([
    ['1.234', 'sheets.value.amountDecimals'],
    ['0.30000000000000004', 'sheets.value.amountDecimals'],
    ['1e3', 'sheets.value.amount'],
    ['12,34', 'sheets.value.amount'],
    ['abc', 'sheets.value.amount'],
    ['-5', 'disclosures.amount.negative'],
    ['100000000.01', 'disclosures.amount.tooLarge'],
  ])('%s is refused (%s)', (text, code) => expect(yuanToFen(text, false)).toMatchObject({ ok: false, code }));

  test('balances may be negative', () => expect(yuanToFen('-12.30', true)).toEqual({ ok: true, value: -1230 }));
});

describe('dates as clerks type them', () => {
  test.each([
    ['2026-05-01', '2026-05-01'],
    ['2026/5/1', '2026-05-01'],
    ['2026.05.01', '2026-05-01'],
    ['2026\u5e745\u67081\u65e5', '2026-05-01'],
  ])('%s', (text, iso) => expect(parseDateText(text)).toBe(iso));
  test('impossible dates are refused', () => {
    expect(parseDateText('2026-02-30')).toBeUndefined();
    expect(parseDateText('05/01/2026')).toBeUndefined();
  });
  test('Excel day serials (1900 system)', () => {
    expect(serialToIso(46272)).toBe('2026-09-07');
    expect(serialToIso(45658)).toBe('2025-01-01');
    expect(serialToIso(46272.5)).toBeUndefined();
    expect(serialToIso(60)).toBeUndefined();
  });
});

describe('the .xlsx template', () => {
  test.each(Object.keys(kindLayouts) as (keyof typeof kindLayouts)[])(
    '%s: sheets, headers, drop-downs, formats, lock, example',
    async (kind) => {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(
        Buffer.from(
          await xlsxTemplate(kind, { units: [{ id: 'u', name: '\u6f14\u793a\u5355\u4f4d' }] }),
        ) as unknown as ArrayBuffer,
      );
      const layout = kindLayouts[kind];
      expect(wb.worksheets.map((w) => w.name)).toEqual([
        '\u8bf4\u660e',
        '\u9009\u9879',
        ...layout.sheets.map((s) => sheetName(kind, s.key)),
      ]);
      // The instructions list every column of every sheet.
      const instructions = wb.getWorksheet('\u8bf4\u660e')!;
      expect(instructions.rowCount).toBe(5 + layout.sheets.reduce((n, s) => n + s.columns.length, 0));
      for (const s of layout.sheets) {
        const ws = wb.getWorksheet(sheetName(kind, s.key))!;
        expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(s.columns.map(columnLabel));
        expect(ws.getCell(2, 1).value).toBe('\u793a\u4f8b');
        expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
        expect((ws as unknown as { sheetProtection?: { sheet?: boolean } }).sheetProtection?.sheet).toBe(true);
        // Header cells keep Excel's default (locked): ExcelJS reads no protection for them.
        const header = ws.getCell(1, 1).protection as Partial<ExcelJS.Protection> | undefined;
        expect(header?.locked).not.toBe(false);
        expect(ws.getCell(3, 1).protection).toMatchObject({ locked: false });
        s.columns.forEach((c, i) => {
          const cell = ws.getCell(3, i + 1);
          if (c.type === 'fen' || c.type === 'signedFen') expect(cell.numFmt).toBe('0.00');
          if (c.type === 'enum' || c.type === 'bool' || c.type === 'unit')
            expect(cell.dataValidation).toMatchObject({ type: 'list' });
          else expect(cell.dataValidation).toBeUndefined();
        });
      }
    },
  );
});

describe('the publisher role', () => {
  test('is bound to at least one unit, like a responder', () => {
    expect(
      ConsoleAccount.safeParse({ username: 'li.pub', displayName: 'Li', role: 'publisher', unitIds: [] }).success,
    ).toBe(false);
    expect(
      ConsoleAccount.safeParse({ username: 'li.pub', displayName: 'Li', role: 'publisher', unitIds: ['a'] }).success,
    ).toBe(true);
  });
  test('acts only for its units', () => {
    const session = { account: { role: 'publisher', unitIds: ['a'] } } as unknown as StaffSession;
    expect(inScope(session, { unitId: 'a' })).toBe(true);
    expect(inScope(session, { unitId: 'b' })).toBe(false);
  });
});
