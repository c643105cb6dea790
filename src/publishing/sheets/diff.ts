import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { t } from '../../i18n/t.ts';
import { columnLabel, sheetName } from './check.ts';
import { kindLayouts } from './layouts.ts';

/** One changed field between two versions of a record; `label` names it as the template does. */
export interface FieldChange {
  path: (string | number)[];
  label: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function leaves(
  before: unknown,
  after: unknown,
  path: (string | number)[],
  out: [(string | number)[], unknown, unknown][],
) {
  if (Array.isArray(before) && Array.isArray(after)) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) leaves(before[i], after[i], [...path, i], out);
  } else if (isObject(before) && isObject(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)]))
      leaves(before[k], after[k], [...path, k], out);
  } else if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push([path, before, after]);
  }
}

/**
 * Where a field sits in the template: sheet, row n and column for a row of a child sheet (n counts the
 * record's rows of that sheet from 1), sheet and column for the record's own sheet (messages sheets.diff.*); the path itself when
 * no column holds it.
 */
function labelOf(kind: DisclosureKind, path: readonly (string | number)[]): string {
  const sheets = kindLayouts[kind].sheets;
  const index = path.findIndex((p) => typeof p === 'number');
  if (index >= 0) {
    const into = path.slice(0, index).join('.');
    const sheet = sheets.find((s) => s.into === into);
    if (sheet) {
      const field = path.slice(index + 1).join('.');
      const column = sheet.columns.find((c) => c.path !== '' && c.path === field);
      const where = { sheet: sheetName(kind, sheet.key), row: Number(path[index]) + 1 };
      return column ? t('sheets.diff.cell', { ...where, column: columnLabel(column) }) : t('sheets.diff.row', where);
    }
  } else {
    const main = sheets[0];
    const column = main?.columns.find((c) => c.path !== '' && c.path === path.join('.'));
    if (main && column)
      return t('sheets.diff.field', { sheet: sheetName(kind, main.key), column: columnLabel(column) });
  }
  return path.join('.');
}

/** The fields that changed from one version of a record to the next (a correction), in document order. */
export function fieldDiff(kind: DisclosureKind, before: unknown, after: unknown): FieldChange[] {
  const out: [(string | number)[], unknown, unknown][] = [];
  leaves(before, after, [], out);
  return out.map(([path, b, a]) => ({ path, label: labelOf(kind, path), before: b, after: a }));
}
