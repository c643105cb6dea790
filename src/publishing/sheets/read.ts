import type ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { sheetLimits } from './limits.ts';
import type { Cell } from './values.ts';
import { inspectXlsxZip, type ZipRefusal } from './zip-guard.ts';

/**
 * Reads an upload into a grid of cells per sheet, format by format, without giving cells a meaning yet.
 * Anything that makes the file unreadable is a typed refusal; cells the reader will not accept (formulas,
 * error values) and merged cells are reported with where they are.
 */
export type Refusal =
  ZipRefusal | 'tooLarge' | 'empty' | 'legacyFormat' | 'csvEncoding' | 'csvMalformed' | 'unreadable';

export interface GridRow {
  /** The row number the clerk sees (1-based: Excel's row, or the CSV line's record number). */
  number: number;
  cells: Cell[];
}

export interface GridSheet {
  name: string;
  /** The header row (the first row of the sheet, or of its CSV block); undefined when the sheet is empty. */
  header?: GridRow;
  rows: GridRow[];
  /** Row numbers covered by a merged range, with the range (e.g. `A1:B1`). */
  merges: { top: number; bottom: number; range: string }[];
}

/** A cell the reader refused, located. */
export interface CellFault {
  sheet: string;
  row: number;
  column: number;
  code: 'sheets.cell.formula' | 'sheets.cell.error' | 'sheets.sheet.tooManyRows' | 'sheets.sheet.tooManyColumns';
}

export type Grid = { ok: true; sheets: GridSheet[]; faults: CellFault[] } | { ok: false; refusal: Refusal };

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);

/** What a file is, from its first bytes (never from its name alone). */
export function sniff(bytes: Uint8Array): 'xlsx' | 'ole' | 'text' | 'binary' {
  if (startsWith(bytes, ZIP_MAGIC)) return 'xlsx';
  // Legacy .xls, and any encrypted (password-protected) .xlsx, are OLE compound files.
  if (startsWith(bytes, OLE_MAGIC)) return 'ole';
  // UTF-16 text starts with its byte-order mark and is full of NUL bytes: text, refused by the CSV decoder.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return 'text';
  const head = bytes.subarray(0, 4096);
  if (head.includes(0)) return 'binary';
  return 'text';
}

const dateIso = (d: Date) => d.toISOString().slice(0, 10);

function cellOf(cell: ExcelJS.Cell, ValueType: typeof ExcelJS.ValueType): Cell | 'formula' | 'error' {
  const v = cell.value;
  switch (cell.type) {
    case ValueType.Null:
    case ValueType.Merge:
      return { kind: 'empty' };
    case ValueType.Formula:
      return 'formula';
    case ValueType.Error:
      return 'error';
    case ValueType.Number:
      return { kind: 'number', value: v as number };
    case ValueType.Boolean:
      return { kind: 'bool', value: v as boolean };
    case ValueType.Date:
      return v instanceof Date && !Number.isNaN(v.getTime()) ? { kind: 'date', iso: dateIso(v) } : 'error';
    case ValueType.RichText:
      return { kind: 'text', text: (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('') };
    case ValueType.Hyperlink: {
      const text = (v as ExcelJS.CellHyperlinkValue).text as unknown;
      if (typeof text === 'string') return { kind: 'text', text };
      const rich = (text as Partial<ExcelJS.CellRichTextValue> | null)?.richText;
      return { kind: 'text', text: Array.isArray(rich) ? rich.map((r) => r.text).join('') : '' };
    }
    case ValueType.String:
    case ValueType.SharedString:
      return { kind: 'text', text: typeof v === 'string' ? v : cell.text };
  }
}

const rangeRows = (range: string) => {
  const m = /^[A-Z]+(\d+):[A-Z]+(\d+)$/.exec(range);
  return m ? { top: Number(m[1]), bottom: Number(m[2]), range } : undefined;
};

async function readXlsx(bytes: Uint8Array): Promise<Grid> {
  const zip = inspectXlsxZip(bytes);
  if (!zip.ok) return { ok: false, refusal: zip.refusal };
  // Loaded on first use, not with the server (README "Server memory").
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    return { ok: false, refusal: 'unreadable' };
  }
  const sheets: GridSheet[] = [];
  const faults: CellFault[] = [];
  for (const ws of wb.worksheets) {
    const sheet: GridSheet = { name: ws.name.trim(), rows: [], merges: [] };
    sheets.push(sheet);
    const merges = (ws.model as { merges?: string[] }).merges ?? [];
    sheet.merges = merges.flatMap((r) => rangeRows(r) ?? []);
    if (ws.rowCount > sheetLimits.rowsPerSheet) {
      faults.push({
        sheet: sheet.name,
        row: sheetLimits.rowsPerSheet + 1,
        column: 1,
        code: 'sheets.sheet.tooManyRows',
      });
      continue;
    }
    if (ws.columnCount > sheetLimits.columnsPerSheet) {
      faults.push({
        sheet: sheet.name,
        row: 1,
        column: sheetLimits.columnsPerSheet + 1,
        code: 'sheets.sheet.tooManyColumns',
      });
      continue;
    }
    ws.eachRow({ includeEmpty: false }, (row, number) => {
      const cells: Cell[] = [];
      for (let c = 1; c <= Math.min(row.cellCount, sheetLimits.columnsPerSheet); c++) {
        const read = cellOf(row.getCell(c), ExcelJS.ValueType);
        if (read === 'formula' || read === 'error') {
          faults.push({ sheet: sheet.name, row: number, column: c, code: `sheets.cell.${read}` });
          cells.push({ kind: 'empty' });
        } else cells.push(read);
      }
      // The first row with any cell is the header row; it must be row 1.
      if (!sheet.header && sheet.rows.length === 0 && number === 1) sheet.header = { number, cells };
      else sheet.rows.push({ number, cells });
    });
  }
  return { ok: true, sheets, faults };
}

/** UTF-8 (with or without a byte-order mark) when the bytes are valid UTF-8, otherwise GB18030. */
export function decodeCsv(bytes: Uint8Array): string | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return undefined; // UTF-16 ("Unicode text"): not a CSV
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return undefined;
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    // Every byte sequence decodes in GB18030's four-byte scheme except broken lead bytes, which iconv-lite turns
    // into U+FFFD: treat those as "not GB18030 either".
    const text = iconv.decode(Buffer.from(body), 'gb18030');
    return text.includes('\uFFFD') ? undefined : text;
  }
}

/** C0 control characters other than tab, line feed, vertical tab, form feed and carriage return. */
const hasControlCharacters = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && ![0x09, 0x0a, 0x0b, 0x0c, 0x0d].includes(code)) return true;
  }
  return false;
};

/** A CSV block marker: a row whose first cell is the sheet's name in lenticular brackets (U+3010, U+3011) and nothing else. */
export const blockName = (cells: readonly string[]): string | undefined => {
  const m = /^\u3010(.+)\u3011$/u.exec(cells[0]?.trim() ?? '');
  return m && cells.slice(1).every((c) => c.trim() === '') ? m[1]!.trim() : undefined;
};

function readCsv(bytes: Uint8Array): Grid {
  const text = decodeCsv(bytes);
  if (text === undefined) return { ok: false, refusal: 'csvEncoding' };
  if (hasControlCharacters(text)) return { ok: false, refusal: 'csvMalformed' };
  let records: string[][];
  try {
    records = parse(text, {
      relax_column_count: true,
      skip_empty_lines: false,
      max_record_size: 100_000,
    });
  } catch {
    return { ok: false, refusal: 'csvMalformed' };
  }
  const sheets: GridSheet[] = [];
  const faults: CellFault[] = [];
  let current: GridSheet | undefined;
  let loose: GridSheet | undefined;
  records.forEach((record, i) => {
    const number = i + 1;
    const name = blockName(record);
    if (name !== undefined) {
      current = { name, rows: [], merges: [] };
      sheets.push(current);
      return;
    }
    const cells: Cell[] = record
      .slice(0, sheetLimits.columnsPerSheet)
      .map((t) => (t === '' ? { kind: 'empty' } : { kind: 'text', text: t }));
    if (cells.every((c) => c.kind === 'empty')) return;
    // Rows before any block marker form a sheet without a name (reported as such).
    const target = current ?? (loose ??= (sheets.push({ name: '', rows: [], merges: [] }), sheets.at(-1)!));
    if (record.length > sheetLimits.columnsPerSheet)
      faults.push({
        sheet: target.name,
        row: number,
        column: sheetLimits.columnsPerSheet + 1,
        code: 'sheets.sheet.tooManyColumns',
      });
    if (!target.header) target.header = { number, cells };
    else if (target.rows.length < sheetLimits.rowsPerSheet) target.rows.push({ number, cells });
    else if (!faults.some((f) => f.sheet === target.name && f.code === 'sheets.sheet.tooManyRows'))
      faults.push({ sheet: target.name, row: number, column: 1, code: 'sheets.sheet.tooManyRows' });
  });
  return { ok: true, sheets, faults };
}

/** The grid of an upload, or why it cannot be read. Never throws. */
export async function readGrid(bytes: Uint8Array, fileName: string): Promise<Grid> {
  try {
    if (bytes.length > sheetLimits.uploadBytes) return { ok: false, refusal: 'tooLarge' };
    if (bytes.length === 0) return { ok: false, refusal: 'empty' };
    if (/\.(xlsm|xltm|xlam)$/i.test(fileName)) return { ok: false, refusal: 'macros' };
    const kind = sniff(bytes);
    if (kind === 'xlsx') return await readXlsx(bytes);
    if (kind === 'ole') return { ok: false, refusal: 'legacyFormat' };
    if (kind === 'binary') return { ok: false, refusal: 'notSpreadsheet' };
    return readCsv(bytes);
  } catch {
    return { ok: false, refusal: 'unreadable' };
  }
}
