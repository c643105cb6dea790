import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { explain } from '../../i18n/format.ts';
import { toCsv } from '../../lib/csv.ts';
import { columnLabel, sheetName } from './check.ts';
import { kindLayouts, type Column, type SheetLayout } from './layouts.ts';
import { valueLabel } from './values.ts';

/**
 * The downloadable templates of a kind: an .xlsx (ExcelJS) with one sheet per level of the record, an
 * instructions sheet (sheets.sheet.instructions), a lists sheet (sheets.sheet.lists) behind the drop-downs, amount columns formatted 0.00, the
 * header row frozen and locked (the sheet is protected without a password; data cells stay editable), and an
 * example row marked as the example (sheets.example) that uploads ignore; and the same layout as one CSV of blocks (a bracketed sheet name, header,
 * example), for clerks who work in CSV.
 */
export interface TemplateContext {
  /** The units the clerk may publish for (the unit drop-down), with their power lists (the power drop-down). */
  units: readonly { id: string; name: string; powers?: readonly { title: string }[] }[];
}

/** Editable rows per sheet below the header (lists can be long; everything else is short). */
const editableRows = (layout: SheetLayout) =>
  ['recipients', 'lines', 'assets', 'resources'].includes(layout.into ?? '') ? 2_000 : 500;

const AMOUNT = new Set(['fen', 'signedFen']);

function choices(column: Column, ctx: TemplateContext): string[] | undefined {
  if (column.type === 'unit') return ctx.units.map((u) => u.name);
  // Every power title of the clerk's units once; the upload checks the title against the record's own unit.
  if (column.type === 'power') return [...new Set(ctx.units.flatMap((u) => (u.powers ?? []).map((p) => p.title)))];
  if (column.type === 'bool') return [explain('sheets.bool.true'), explain('sheets.bool.false')];
  if (column.type === 'enum') return (column.values ?? []).map((v) => valueLabel(column, v));
  return undefined;
}

function example(column: Column, ctx: TemplateContext): string | number {
  switch (column.type) {
    case 'id':
      return explain('sheets.example');
    case 'fen':
    case 'signedFen':
      return 1234.5;
    case 'int':
      return 1;
    case 'decimal':
      return 1.5;
    case 'date':
      return '2026-05-01';
    case 'month':
      return '2026-05';
    case 'text':
      return explain('sheets.exampleText');
    case 'bool':
    case 'enum':
    case 'unit':
    case 'power':
      return choices(column, ctx)?.[0] ?? '';
  }
}

function rule(kind: DisclosureKind, column: Column, ctx: TemplateContext): string {
  const base =
    column.type === 'enum'
      ? explain('sheets.rule.enum', { values: (choices(column, ctx) ?? []).join(explain('sheets.listSeparator')) })
      : column.type === 'id'
        ? explain('sheets.rule.id')
        : explain(`sheets.rule.${column.type}`);
  const note = column.note ? explain(`sheets.note.${column.note}`, { first: sheetName(kind, 'main') }) : '';
  return note ? explain('sheets.rule.withNote', { rule: base, note }) : base;
}

const columnLetter = (n: number): string =>
  n <= 26
    ? String.fromCharCode(64 + n)
    : columnLetter(Math.floor((n - 1) / 26)) + String.fromCharCode(65 + ((n - 1) % 26));

/** The .xlsx template of a kind. */
export async function xlsxTemplate(kind: DisclosureKind, ctx: TemplateContext): Promise<Uint8Array<ArrayBuffer>> {
  const layout = kindLayouts[kind];
  // Loaded on first use, not with the server (README "Server memory").
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Qinglian';

  const instructions = wb.addWorksheet(explain('sheets.sheet.instructions'));
  instructions.addRow([explain('sheets.instructions.title', { kind: explain(`disclosures.kind.${kind}`) })]).font = {
    bold: true,
    size: 14,
  };
  instructions.addRow([explain('sheets.instructions.intro')]);
  instructions.addRow([explain('sheets.instructions.link')]);
  instructions.addRow([]);
  const head = instructions.addRow([
    explain('sheets.instructions.sheet'),
    explain('sheets.instructions.column'),
    explain('sheets.instructions.required'),
    explain('sheets.instructions.rule'),
  ]);
  head.font = { bold: true };
  for (const sheet of layout.sheets)
    for (const column of sheet.columns)
      instructions.addRow([
        sheetName(kind, sheet.key),
        columnLabel(column),
        explain(column.required ? 'sheets.instructions.mustFill' : 'sheets.instructions.mayFill'),
        rule(kind, column, ctx),
      ]);
  instructions.columns = [{ width: 14 }, { width: 28 }, { width: 10 }, { width: 90 }];
  for (const r of [2, 3]) instructions.getRow(r).alignment = { wrapText: true, vertical: 'top' };

  // The lists behind the drop-downs, one column per enumeration.
  const lists = wb.addWorksheet(explain('sheets.sheet.lists'));
  const listRanges = new Map<string, string>();
  const listKey = (c: Column) => `${c.type}:${(choices(c, ctx) ?? []).join(',')}`;
  let listColumn = 0;
  for (const column of layout.sheets.flatMap((s) => s.columns)) {
    const values = choices(column, ctx);
    if (!values || values.length === 0 || listRanges.has(listKey(column))) continue;
    listColumn++;
    lists.getCell(1, listColumn).value = columnLabel(column);
    lists.getCell(1, listColumn).font = { bold: true };
    values.forEach((v, i) => (lists.getCell(i + 2, listColumn).value = v));
    const letter = columnLetter(listColumn);
    listRanges.set(listKey(column), `'${lists.name}'!$${letter}$2:$${letter}$${values.length + 1}`);
    lists.getColumn(listColumn).width = 24;
  }

  for (const sheet of layout.sheets) {
    const ws = wb.addWorksheet(sheetName(kind, sheet.key), { views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }] });
    const header = ws.addRow(sheet.columns.map(columnLabel));
    header.font = { bold: true };
    header.eachCell((c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } }));
    ws.addRow(sheet.columns.map((c) => example(c, ctx))).font = { italic: true, color: { argb: 'FF666666' } };
    const last = editableRows(sheet) + 2;
    sheet.columns.forEach((column, i) => {
      const c = i + 1;
      ws.getColumn(c).width = Math.min(40, Math.max(10, columnLabel(column).length * 2 + 4));
      const numFmt = AMOUNT.has(column.type)
        ? '0.00'
        : column.type === 'date'
          ? 'yyyy-mm-dd'
          : column.type === 'int'
            ? '0'
            : column.type === 'decimal'
              ? 'General'
              : '@';
      const range = listRanges.get(listKey(column));
      for (let r = 2; r <= last; r++) {
        const cell = ws.getCell(r, c);
        cell.numFmt = numFmt;
        cell.protection = { locked: false };
        if (range) cell.dataValidation = { type: 'list', allowBlank: true, formulae: [range], showErrorMessage: true };
      }
    });
    // No password: the lock stops accidental edits of the header; uploads check the header anyway.
    await ws.protect('', {
      selectLockedCells: true,
      selectUnlockedCells: true,
      formatColumns: true,
      formatCells: true,
      insertRows: true,
      deleteRows: true,
      sort: true,
      autoFilter: true,
    });
  }
  const written = new Uint8Array(await wb.xlsx.writeBuffer());
  const out = new Uint8Array(written.byteLength);
  out.set(written);
  return out;
}

/** The CSV template of a kind: each sheet as a block (bracketed name, header, example), UTF-8 with a BOM. */
export function csvTemplate(kind: DisclosureKind, ctx: TemplateContext): string {
  const rows: (string | number)[][] = [];
  for (const sheet of kindLayouts[kind].sheets) {
    if (rows.length) rows.push([]);
    rows.push([`\u3010${sheetName(kind, sheet.key)}\u3011`]);
    rows.push(sheet.columns.map(columnLabel));
    rows.push(sheet.columns.map((c) => (AMOUNT.has(c.type) ? '1234.50' : example(c, ctx))));
  }
  return toCsv(rows);
}
