import { fromDayNumber, isIsoDate, isYearMonth } from '../../domain/calendar/dates.ts';
import { FEN_MAX } from '../../domain/disclosures/common.ts';
import { explain } from '../../i18n/format.ts';
import type { Column } from './layouts.ts';

/**
 * One cell as read from a workbook or a CSV, before it is given a meaning. A CSV has only text; an .xlsx
 * cell may be a number, a date (a numeric cell with a date format), a boolean or text (shared or inline
 * strings, rich text). Formulas and error values never get this far (the reader refuses them).
 */
export type Cell =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'date'; iso: string }
  | { kind: 'bool'; value: boolean };

export type Converted =
  | { ok: true; value: string | number | boolean | undefined }
  | { ok: false; code: string; vars?: Record<string, string | number> };

export interface ValueContext {
  /** Units a record may name: their id and their name (a clerk writes the name). */
  units: readonly { id: string; name: string }[];
}

/** A label for a code of an enumeration column, as the drop-down shows it. */
export function valueLabel(column: Column, code: string): string {
  if (column.type === 'bool') return explain(`sheets.bool.${code}`);
  const key = column.valueLabels?.(code);
  return key === undefined ? code : explain(key);
}

/**
 * Yuan written as a decimal string (`1234.5`, `1,234.50`, `-12`, `¥88.00`) → integer fen, exactly: the digits
 * are read as text and never pass through a float. More than two decimals is refused, not rounded.
 */
export function yuanToFen(text: string, signed: boolean): Converted {
  const s = text
    .trim()
    .replace(/^[¥\uFFE5]/u, '')
    .replace(/\u5143$/u, '')
    .trim();
  const m = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return { ok: false, code: 'sheets.value.amount' };
  const [, minus, whole = '', decimals = ''] = m;
  if (decimals.length > 2) return { ok: false, code: 'sheets.value.amountDecimals' };
  if (minus && !signed) return { ok: false, code: 'disclosures.amount.negative' };
  const digits = whole.replaceAll(',', '').replace(/^0+(?=\d)/, '');
  if (digits.length > 12) return { ok: false, code: 'disclosures.amount.tooLarge' };
  const fen = Number(digits) * 100 + Number(decimals.padEnd(2, '0'));
  if (fen > FEN_MAX) return { ok: false, code: 'disclosures.amount.tooLarge' };
  return { ok: true, value: minus && fen !== 0 ? -fen : fen };
}

/**
 * A number cell as the decimal text it was typed as. Excel stores what was typed (≤ 15 significant digits)
 * and the shortest round-trip representation gives the same digits back; a value that needs more digits
 * (a computed 0.30000000000000004) or an exponent is refused by the decimal parser.
 */
function numberText(value: number): string {
  return Number.isFinite(value) ? String(value) : 'NaN';
}

/** Excel's day serial (1900 date system; day 60 is the phantom 1900-02-29) → ISO date. */
export function serialToIso(serial: number): string | undefined {
  if (!Number.isInteger(serial) || serial < 61 || serial > 109_574) return undefined; // 1900-03-01 … 2199-12-31
  // Serial 25569 is 1970-01-01.
  return fromDayNumber(serial - 25_569);
}

/** Dates as clerks type them: 2026-05-01, 2026/5/1, 2026.5.1, and the Chinese year-month-day form. */
export function parseDateText(text: string): string | undefined {
  const m = /^(\d{4})\s*(?:[-/.]|\u5e74)\s*(\d{1,2})\s*(?:[-/.]|\u6708)\s*(\d{1,2})\s*\u65e5?$/u.exec(text.trim());
  if (!m) return undefined;
  const iso = `${m[1]!}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : undefined;
}

function parseMonthText(text: string): string | undefined {
  const m = /^(\d{4})\s*(?:[-/.]|\u5e74)\s*(\d{1,2})\s*\u6708?$/u.exec(text.trim());
  if (!m) return undefined;
  const ym = `${m[1]!}-${m[2]!.padStart(2, '0')}`;
  return isYearMonth(ym) ? ym : undefined;
}

const fail = (code: string, vars?: Record<string, string | number>): Converted =>
  vars ? { ok: false, code, vars } : { ok: false, code };

/** The cell's text when it is text-like (a number typed into a text column is its digits). */
function asText(cell: Cell): string {
  switch (cell.kind) {
    case 'text':
      return cell.text;
    case 'number':
      return numberText(cell.value);
    case 'date':
      return cell.iso;
    case 'bool':
      return cell.value ? 'true' : 'false';
    case 'empty':
      return '';
  }
}

/** One cell → the value its column's type says, or the reason it cannot be one (a stable message key). */
export function convertCell(cell: Cell, column: Column, ctx: ValueContext): Converted {
  if (cell.kind === 'empty' || (cell.kind === 'text' && cell.text.trim() === '')) return { ok: true, value: undefined };
  switch (column.type) {
    case 'id':
    case 'text':
    case 'power':
      return { ok: true, value: asText(cell).trim() };
    case 'unit': {
      const text = asText(cell).trim();
      const found = ctx.units.find((u) => u.name === text || u.id === text);
      return found ? { ok: true, value: found.id } : fail('sheets.value.unit', { value: text });
    }
    case 'fen':
    case 'signedFen':
      if (cell.kind === 'date' || cell.kind === 'bool') return fail('sheets.value.amount');
      return yuanToFen(asText(cell), column.type === 'signedFen');
    case 'int': {
      const text = asText(cell).trim();
      return /^-?\d{1,9}$/.test(text) ? { ok: true, value: Number(text) } : fail('sheets.value.int');
    }
    case 'decimal': {
      const text = asText(cell).trim();
      return /^\d{1,9}(\.\d{1,6})?$/.test(text) ? { ok: true, value: Number(text) } : fail('sheets.value.decimal');
    }
    case 'date': {
      if (cell.kind === 'date') return { ok: true, value: cell.iso };
      const iso = cell.kind === 'number' ? serialToIso(cell.value) : parseDateText(asText(cell));
      return iso ? { ok: true, value: iso } : fail('sheets.value.date');
    }
    case 'month': {
      if (cell.kind === 'date') return { ok: true, value: cell.iso.slice(0, 7) };
      const iso = cell.kind === 'number' ? serialToIso(cell.value)?.slice(0, 7) : parseMonthText(asText(cell));
      return iso ? { ok: true, value: iso } : fail('sheets.value.month');
    }
    case 'bool': {
      if (cell.kind === 'bool') return { ok: true, value: cell.value };
      const text = asText(cell).trim().toLowerCase();
      if (['true', explain('sheets.bool.true')].includes(text)) return { ok: true, value: true };
      if (['false', explain('sheets.bool.false')].includes(text)) return { ok: true, value: false };
      return fail('sheets.value.bool');
    }
    case 'enum': {
      const text = asText(cell).trim();
      const code = (column.values ?? []).find((c) => c === text || valueLabel(column, c) === text);
      return code ? { ok: true, value: code } : fail('sheets.value.enum', { value: text });
    }
  }
}
