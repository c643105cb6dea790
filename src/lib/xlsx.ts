/** One worksheet: a name (Excel allows 31 characters, no `[]:*?/\`) and its rows; the first row is bold. */
export interface Sheet {
  name: string;
  rows: readonly (readonly (string | number | null)[])[];
  /** How many rows at the top are headers (bold, frozen). Default 1. */
  headerRows?: number;
}

const safeName = (name: string, used: Set<string>): string => {
  const base = name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';
  let out = base;
  for (let i = 2; used.has(out); i++) out = `${base.slice(0, 28)}(${i})`;
  used.add(out);
  return out;
};

/**
 * An .xlsx workbook written by ExcelJS (a maintained library for the Office Open XML format, so the
 * file opens in Excel, WPS and LibreOffice without a conversion step). Numbers stay numbers.
 */
export async function toXlsx(sheets: readonly Sheet[]): Promise<Uint8Array<ArrayBuffer>> {
  // Loaded on first use: ExcelJS and its zip/stream dependencies are ~30 MB of RSS (README "Server memory").
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Qinglian';
  const used = new Set<string>();
  for (const sheet of sheets) {
    const ws = wb.addWorksheet(safeName(sheet.name, used));
    for (const row of sheet.rows) ws.addRow([...row]);
    const headers = sheet.headerRows ?? 1;
    for (let r = 1; r <= headers; r++) ws.getRow(r).font = { bold: true };
    if (headers > 0) ws.views = [{ state: 'frozen', ySplit: headers, xSplit: 1 }];
    ws.columns.forEach((c, i) => {
      const widest = Math.max(4, ...sheet.rows.map((r) => String(r[i] ?? '').length));
      // CJK characters are about two columns wide.
      c.width = Math.min(60, widest * 2 + 2);
    });
  }
  const written = new Uint8Array(await wb.xlsx.writeBuffer());
  const out = new Uint8Array(written.byteLength);
  out.set(written);
  return out;
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
