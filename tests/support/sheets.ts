import ExcelJS from 'exceljs';
import type { DisclosureKind } from '../../src/domain/disclosures/kinds.ts';
import type { CanteenAccount } from '../../src/domain/disclosures/canteen-account/schema.ts';
import { readCalendar, readDisclosureFiles, readRegistry } from '../../src/content/files.ts';
import { columnLabel, sheetName, type UploadContext } from '../../src/publishing/sheets/check.ts';
import { kindLayouts, type Column } from '../../src/publishing/sheets/layouts.ts';
import { valueLabel } from '../../src/publishing/sheets/values.ts';

/** The real content/ as the upload check sees it (units, calendar, every published file). */
export function uploadContext(overrides: Partial<UploadContext> = {}): UploadContext {
  const registry = readRegistry();
  return {
    units: registry.units,
    calendar: readCalendar().calendar,
    existing: readDisclosureFiles(),
    today: '2026-12-02',
    demo: true,
    ...overrides,
  };
}

const get = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((at, p) => (at as Record<string, unknown> | undefined)?.[p], obj);

/** A value as a clerk types it into the template: yuan numbers, 是/否, drop-down labels, unit names. */
function typed(column: Column, value: unknown, unitName: (id: string) => string): string | number | undefined {
  if (value === undefined || value === null) return undefined;
  switch (column.type) {
    case 'fen':
    case 'signedFen':
      return (value as number) / 100;
    case 'bool':
    case 'enum':
      return valueLabel(column, typeof value === 'boolean' ? String(value) : (value as string));
    case 'unit':
      return unitName(value as string);
    case 'date':
    case 'decimal':
    case 'id':
    case 'int':
    case 'month':
    case 'power':
    case 'text':
      return value as string | number;
  }
}

/** The rows of every sheet of a record, as the layout lays them out (what a clerk would type). */
export function recordRows(
  kind: DisclosureKind,
  id: string,
  data: Record<string, unknown>,
  unitName: (id: string) => string,
) {
  const out = new Map<string, (string | number | undefined)[][]>();
  for (const sheet of kindLayouts[kind].sheets) {
    let items: unknown[];
    if (!sheet.into) items = [data];
    else if (sheet.within) {
      const parent = kindLayouts[kind].sheets.find((s) => s.key === sheet.within!.sheet)!;
      items = ((get(data, parent.into!) as unknown[] | undefined) ?? []).flatMap(
        (e) => (get(e, sheet.into!) as unknown[] | undefined) ?? [],
      );
    } else items = (get(data, sheet.into) as unknown[] | undefined) ?? [];
    out.set(
      sheetName(kind, sheet.key),
      items.map((item) => sheet.columns.map((c) => (c.type === 'id' ? id : typed(c, get(item, c.path), unitName)))),
    );
  }
  return out;
}

/** Fills a template workbook (from its bytes) with records, below the example row, using ExcelJS. */
export async function fillTemplate(
  template: Uint8Array,
  kind: DisclosureKind,
  records: { id: string; data: Record<string, unknown> }[],
  unitName: (id: string) => string,
): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(template) as unknown as ArrayBuffer);
  for (const r of records) {
    for (const [name, rows] of recordRows(kind, r.id, r.data, unitName)) {
      const ws = wb.getWorksheet(name)!;
      for (const row of rows) {
        const at = ws.actualRowCount + 1;
        row.forEach((v, i) => {
          if (v !== undefined) ws.getCell(at, i + 1).value = v;
        });
      }
    }
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** The same records as a block CSV (【sheet】, header, rows), as text. */
export function csvText(
  kind: DisclosureKind,
  records: { id: string; data: Record<string, unknown> }[],
  unitName: (id: string) => string,
): string {
  const lines: string[] = [];
  const esc = (v: string | number | undefined) => {
    const s = v === undefined ? '' : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v);
    const quote = '"';
    const special = [quote, ',', '\r', '\n'].some((c) => s.includes(c));
    return special ? quote + s.replaceAll(quote, quote + quote) + quote : s;
  };
  for (const sheet of kindLayouts[kind].sheets) {
    const name = sheetName(kind, sheet.key);
    lines.push(`\u3010${name}\u3011`, sheet.columns.map(columnLabel).join(','));
    for (const r of records)
      for (const row of recordRows(kind, r.id, r.data, unitName).get(name) ?? []) lines.push(row.map(esc).join(','));
    lines.push('');
  }
  return lines.join('\r\n');
}

/**
 * The canteen month after `previous` as its clerk would file it: a new permalink, the opening balance carried over
 * and the same movement, so the account balances and follows on.
 */
export function followingCanteenMonth<T extends { id: string; data: CanteenAccount }>(
  previous: T,
  id: string,
  month: string,
  publishedOn: string,
): T {
  const movement = previous.data.closingFen - previous.data.openingFen;
  const openingFen = previous.data.closingFen;
  return {
    ...previous,
    id,
    data: { ...previous.data, month, publishedOn, openingFen, closingFen: openingFen + movement },
  };
}
