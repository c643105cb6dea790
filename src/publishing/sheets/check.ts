import type { WorkingDayCalendar } from '../../domain/calendar/working-days.ts';
import { verdictOf, type CheckResult } from '../../domain/disclosures/common.ts';
import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { canteenChecks } from '../../domain/disclosures/canteen-account/rules.ts';
import { contractCheck, type LinkedDecision } from '../../domain/disclosures/collective-assets/rules.ts';
import { decisionChecks, resolutionDate } from '../../domain/disclosures/decision/compliance.ts';
import { procurementChecks } from '../../domain/disclosures/procurement/rules.ts';
import { publicityStatus, type PublicityStatus } from '../../domain/disclosures/publicity.ts';
import { aidWindow } from '../../domain/disclosures/student-aid/rules.ts';
import { matterPublicity } from '../../domain/disclosures/matter/rules.ts';
import {
  scanForPersonalData,
  validateDisclosures,
  type DisclosureData,
  type RawEntry,
} from '../../domain/disclosures/validate.ts';
import type { UnitCarrier } from '../../domain/units/schema.ts';
import { explain } from '../../i18n/format.ts';
import { kindLayouts, type Column, type SheetLayout } from './layouts.ts';
import { readGrid, type GridRow, type GridSheet, type Refusal } from './read.ts';
import { convertCell, type Cell } from './values.ts';

/**
 * An upload → the records it holds, checked by exactly the rules the build runs (validateDisclosures: the
 * personal-data scan, the schema, the kind's rules and the rules across files, against what is already
 * published), with every problem located at its sheet, row and column. Stores nothing; never throws.
 */
export interface UploadContext {
  /** The registry's units: the power list is what a matter's power is checked against (and its drop-down). */
  units: readonly { id: string; name: string; carrier: UnitCarrier; powers?: readonly { title: string }[] }[];
  /** The units this clerk publishes for; a record of another unit is refused. Undefined: any unit. */
  allowedUnits?: readonly string[];
  calendar: WorkingDayCalendar;
  /** Everything already published (content/ as the build reads it), for the rules across records. */
  existing: { [K in DisclosureKind]: readonly RawEntry[] };
  /** Beijing today, for the compliance verdicts and publicity status. */
  today: string;
  /** Mark the records as demo data (only on the demo city, DEMO=true). */
  demo: boolean;
}

export interface Location {
  sheet?: string;
  row?: number;
  column?: string;
}

export interface SheetProblem extends Location {
  /** Stable code: the message key of the rule (`disclosures.canteen.balance`, `sheets.header.renamed` …). */
  code: string;
  vars?: Record<string, string | number>;
  /** The whole sentence in Chinese (sheets.at.cell: sheet, row number, column, reason). */
  text: string;
}

export interface CheckedRecord<K extends DisclosureKind = DisclosureKind> {
  id: string;
  data: DisclosureData[K];
  /** True when a record with this id is already published (this upload would correct it). */
  replaces: boolean;
  checks: CheckResult[];
  verdict?: 'compliant' | 'nonCompliant' | 'pending';
  publicity?: PublicityStatus;
  /** The personal-data scan's findings (always empty for a valid record: any finding is a validity problem). */
  personalData: number;
  /** How many rows each sheet after the first gave this record. */
  rows: { sheet: string; count: number }[];
}

export type UploadResult =
  | { outcome: 'refused'; refusal: Refusal; text: string }
  | { outcome: 'problems'; problems: SheetProblem[] }
  | { outcome: 'valid'; kind: DisclosureKind; records: CheckedRecord[] };

/** Sheets a template carries that hold no data. */
const helperSheets = () => [explain('sheets.sheet.instructions'), explain('sheets.sheet.lists')];

export const sheetName = (kind: DisclosureKind, key: string) => explain(`sheets.sheet.${kind}.${key}`);
export const columnLabel = (column: Column) => explain(`sheets.col.${column.label}`);
const EXAMPLE = () => explain('sheets.example');

function locate(at: Location, code: string, vars?: Record<string, string | number>): SheetProblem {
  const reason = explain(code, vars);
  const text =
    at.sheet !== undefined && at.row !== undefined && at.column !== undefined
      ? explain('sheets.at.cell', { sheet: at.sheet, row: at.row, column: at.column, reason })
      : at.sheet !== undefined && at.row !== undefined
        ? explain('sheets.at.row', { sheet: at.sheet, row: at.row, reason })
        : at.sheet !== undefined
          ? explain('sheets.at.sheet', { sheet: at.sheet, reason })
          : reason;
  return { ...at, code, ...(vars ? { vars } : {}), text };
}

const norm = (s: string) => s.replace(/\s+/g, '');
const cellText = (c: Cell | undefined) =>
  c === undefined || c.kind === 'empty'
    ? ''
    : c.kind === 'text'
      ? c.text
      : c.kind === 'number'
        ? String(c.value)
        : c.kind === 'date'
          ? c.iso
          : String(c.value);

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let at = target;
  for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
  at[parts.at(-1)!] = value;
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((at, p) => (at as Record<string, unknown> | undefined)?.[p], target);
}

/** The header must be exactly the layout's columns, in order, each in its own (unmerged) cell. */
function headerProblems(sheet: GridSheet, name: string, layout: SheetLayout): SheetProblem[] {
  const header = sheet.header;
  if (!header) return [locate({ sheet: name }, 'sheets.sheet.empty')];
  const out: SheetProblem[] = [];
  for (const m of sheet.merges)
    if (m.top <= header.number && m.bottom >= header.number)
      out.push(locate({ sheet: name, row: header.number }, 'sheets.header.merged', { range: m.range }));
  layout.columns.forEach((column, i) => {
    const expected = columnLabel(column);
    const found = cellText(header.cells[i]).trim();
    if (found === '') out.push(locate({ sheet: name, row: header.number, column: expected }, 'sheets.header.missing'));
    else if (norm(found) !== norm(expected))
      out.push(locate({ sheet: name, row: header.number, column: expected }, 'sheets.header.renamed', { found }));
  });
  header.cells.slice(layout.columns.length).forEach((c) => {
    const found = cellText(c).trim();
    if (found !== '') out.push(locate({ sheet: name, row: header.number, column: found }, 'sheets.header.extra'));
  });
  return out;
}

interface Draft {
  id: string;
  data: Record<string, unknown>;
  /** Object path (`income.2.amountFen`) → where it came from. */
  origin: Map<string, Location>;
  /** Rows per sheet after the first. */
  rows: Map<string, number>;
}

interface Built {
  drafts: Draft[];
  problems: SheetProblem[];
}

const isBlank = (row: GridRow) => row.cells.every((c) => cellText(c).trim() === '');

function rowObject(row: GridRow, name: string, layout: SheetLayout, ctx: UploadContext, problems: SheetProblem[]) {
  const obj: Record<string, unknown> = {};
  const where = new Map<string, Location>();
  layout.columns.forEach((column, i) => {
    const label = columnLabel(column);
    if (column.path !== '') where.set(column.path, { sheet: name, row: row.number, column: label });
    const converted = convertCell(row.cells[i] ?? { kind: 'empty' }, column, ctx);
    if (!converted.ok)
      problems.push(locate({ sheet: name, row: row.number, column: label }, converted.code, converted.vars));
    else if (converted.value !== undefined && column.path !== '') setPath(obj, column.path, converted.value);
  });
  row.cells.slice(layout.columns.length).forEach((c, j) => {
    if (cellText(c).trim() !== '')
      problems.push(
        locate(
          { sheet: name, row: row.number, column: `#${layout.columns.length + j + 1}` },
          'sheets.cell.outsideColumns',
        ),
      );
  });
  const id = cellText(row.cells[0]).trim();
  return { obj, where, id };
}

function build(kind: DisclosureKind, sheets: readonly GridSheet[], ctx: UploadContext): Built {
  const layout = kindLayouts[kind];
  const problems: SheetProblem[] = [];
  const expectedNames = layout.sheets.map((s) => sheetName(kind, s.key));
  for (const s of sheets)
    if (!expectedNames.includes(s.name) && !helperSheets().includes(s.name))
      problems.push(
        locate({ sheet: s.name === '' ? explain('sheets.sheet.unnamed') : s.name }, 'sheets.sheet.unknown'),
      );
  // A CSV may repeat a block; only one sheet of a name is read, so a second one is refused, not ignored.
  sheets.forEach((s, i) => {
    if (sheets.findIndex((o) => o.name === s.name) !== i)
      problems.push(locate({ sheet: s.name }, 'sheets.sheet.duplicate'));
  });
  const drafts = new Map<string, Draft>();
  for (const sl of layout.sheets) {
    const name = sheetName(kind, sl.key);
    const sheet = sheets.find((s) => s.name === name);
    if (!sheet) {
      problems.push(locate({ sheet: name }, 'sheets.sheet.missing'));
      continue;
    }
    const header = headerProblems(sheet, name, sl);
    if (header.length) {
      problems.push(...header);
      continue;
    }
    const rows = sheet.rows.filter((r) => !isBlank(r) && cellText(r.cells[0]).trim() !== EXAMPLE());
    const isMain = sl === layout.sheets[0];
    if (isMain && rows.length === 0) problems.push(locate({ sheet: name }, 'sheets.sheet.noRecords'));
    for (const row of rows) {
      const { obj, where, id } = rowObject(row, name, sl, ctx, problems);
      const idColumn = columnLabel(sl.columns[0]!);
      if (id === '') {
        problems.push(locate({ sheet: name, row: row.number, column: idColumn }, 'sheets.id.missing'));
        continue;
      }
      if (isMain) {
        if (drafts.has(id)) {
          problems.push(locate({ sheet: name, row: row.number, column: idColumn }, 'sheets.id.duplicate', { id }));
          continue;
        }
        const origin = new Map<string, Location>([
          ['', { sheet: name, row: row.number }],
          ['(file name)', { sheet: name, row: row.number, column: idColumn }],
        ]);
        for (const [p, l] of where) origin.set(p, l);
        drafts.set(id, { id, data: obj, origin, rows: new Map() });
        continue;
      }
      const draft = drafts.get(id);
      if (!draft) {
        problems.push(locate({ sheet: name, row: row.number, column: idColumn }, 'sheets.id.unknown', { id }));
        continue;
      }
      let base = sl.into!;
      if (sl.within) {
        const parentLayout = layout.sheets.find((s) => s.key === sl.within!.sheet)!;
        const list = (getPath(draft.data, parentLayout.into!) as Record<string, unknown>[] | undefined) ?? [];
        const want = sl.within.from(obj);
        const index = list.findIndex((e) => e[sl.within!.field] === want);
        if (index < 0) {
          const first = sl.columns.find((c) => c.path !== '')!;
          problems.push(
            locate({ sheet: name, row: row.number, column: columnLabel(first) }, 'sheets.link.parentMissing', {
              sheet: sheetName(kind, parentLayout.key),
            }),
          );
          continue;
        }
        base = `${parentLayout.into!}.${index}.${sl.into!}`;
      }
      const list = (getPath(draft.data, base) as unknown[] | undefined) ?? [];
      if (list.length === 0) setPath(draft.data, base, list);
      const at = `${base}.${list.length}`;
      list.push(obj);
      draft.origin.set(at, { sheet: name, row: row.number });
      for (const [p, l] of where) draft.origin.set(`${at}.${p}`, l);
      draft.rows.set(name, (draft.rows.get(name) ?? 0) + 1);
    }
  }
  for (const d of drafts.values()) {
    const unit = d.data['unit'];
    if (typeof unit === 'string' && ctx.allowedUnits && !ctx.allowedUnits.includes(unit))
      problems.push(
        locate(d.origin.get('unit') ?? {}, 'sheets.unit.outOfScope', {
          unit: ctx.units.find((u) => u.id === unit)?.name ?? unit,
        }),
      );
    if (ctx.demo) d.data['demo'] = true;
  }
  return { drafts: [...drafts.values()], problems };
}

/** Where a domain problem's field path came from: the longest prefix the assembler recorded. */
function originOf(draft: Draft, path: readonly (string | number)[]): Location {
  for (let n = path.length; n >= 0; n--) {
    const found = draft.origin.get(path.slice(0, n).join('.'));
    if (found) return found;
  }
  return draft.origin.get('') ?? {};
}

const UPLOAD = 'upload:';

function verdicts(
  kind: DisclosureKind,
  data: DisclosureData[DisclosureKind],
  ctx: UploadContext,
  linked: Map<string, LinkedDecision>,
) {
  switch (kind) {
    case 'procurement': {
      const d = data as DisclosureData['procurement'];
      return { checks: procurementChecks(d, ctx.today), publicity: publicityStatus(d.publicity, ctx.today) };
    }
    case 'canteenAccount':
      return { checks: canteenChecks(data as DisclosureData['canteenAccount']) };
    case 'studentAid':
      return {
        checks: [],
        publicity: publicityStatus(aidWindow(data as DisclosureData['studentAid'], ctx.calendar), ctx.today),
      };
    case 'collectiveAssets': {
      const d = data as DisclosureData['collectiveAssets'];
      return {
        checks: d.contracts.map((c) =>
          contractCheck(c, d.majorMatterThresholdFen, c.decision ? linked.get(c.decision) : undefined),
        ),
      };
    }
    case 'decision':
      return { checks: decisionChecks(data as DisclosureData['decision'], ctx.today) };
    case 'matter':
      return { checks: [], publicity: matterPublicity(data as DisclosureData['matter'], ctx.today) };
  }
}

const refusalText = (refusal: Refusal) => explain(`sheets.refusal.${refusal}`);

/** Checks one upload of one kind. Never throws: an unexpected failure is the `unreadable` refusal. */
export async function checkUpload(
  kind: DisclosureKind,
  fileName: string,
  bytes: Uint8Array,
  ctx: UploadContext,
): Promise<UploadResult> {
  try {
    const grid = await readGrid(bytes, fileName);
    if (!grid.ok) return { outcome: 'refused', refusal: grid.refusal, text: refusalText(grid.refusal) };
    const faults = grid.faults.map((f) => {
      const layout = kindLayouts[kind].sheets.find((s) => sheetName(kind, s.key) === f.sheet);
      const column = layout?.columns[f.column - 1];
      return locate({ sheet: f.sheet, row: f.row, column: column ? columnLabel(column) : `#${f.column}` }, f.code);
    });
    const built = build(kind, grid.sheets, ctx);
    const early = [...faults, ...built.problems];
    if (early.length) return { outcome: 'problems', problems: early };

    const ids = new Set(built.drafts.map((d) => d.id));
    const files = {
      ...ctx.existing,
      [kind]: [
        ...ctx.existing[kind].filter((e) => !ids.has(e.id)),
        ...built.drafts.map((d) => ({ file: `${UPLOAD}${d.id}`, id: d.id, data: d.data })),
      ],
    };
    const { entries, problems } = validateDisclosures({ units: ctx.units, calendar: ctx.calendar, files });
    const byId = new Map(built.drafts.map((d) => [d.id, d]));
    const located = problems
      .filter((p) => p.file.startsWith(UPLOAD))
      .map((p) => {
        const draft = byId.get(p.file.slice(UPLOAD.length))!;
        return locate(originOf(draft, p.path), p.message, p.vars);
      });
    if (located.length) return { outcome: 'problems', problems: dedupe(located) };

    const linked = new Map<string, LinkedDecision>(
      entries.decision.map((e) => [
        e.id,
        {
          unit: e.data.unit,
          resolvedOn: resolutionDate(e.data),
          verdict: verdictOf(decisionChecks(e.data, ctx.today)),
        },
      ]),
    );
    const existingIds = new Set(ctx.existing[kind].map((e) => e.id));
    const records = (entries[kind] as { file: string; id: string; data: DisclosureData[DisclosureKind] }[])
      .filter((e) => e.file.startsWith(UPLOAD))
      .map((e): CheckedRecord => {
        const { checks, publicity } = verdicts(kind, e.data, ctx, linked);
        return {
          id: e.id,
          data: e.data,
          replaces: existingIds.has(e.id),
          checks,
          ...(checks.length ? { verdict: verdictOf(checks) } : {}),
          ...(publicity ? { publicity } : {}),
          personalData: scanForPersonalData(kind, e.data).length,
          rows: [...(byId.get(e.id)?.rows ?? [])].map(([sheet, count]) => ({ sheet, count })),
        };
      });
    return { outcome: 'valid', kind, records };
  } catch {
    return { outcome: 'refused', refusal: 'unreadable', text: refusalText('unreadable') };
  }
}

function dedupe(list: SheetProblem[]): SheetProblem[] {
  const seen = new Set<string>();
  return list.filter((p) => (seen.has(p.text) ? false : (seen.add(p.text), true)));
}
