import { toCsv } from '../../lib/csv.ts';
import { toXlsx } from '../../lib/xlsx.ts';
import { t } from '../../i18n/t.ts';
import { cellsOf, type StatTable } from '../../domain/statistics/table.ts';
import { SMALL_SAMPLE, SUPPRESSION_THRESHOLD, round2, type Cell } from '../../domain/statistics/cells.ts';
import { assertFinite } from '../charts/statistics.ts';
import { formatCell } from './format.ts';
import type { Dataset } from './model.ts';

/**
 * Downloads of a statistics series, all built from the same Dataset as the page: the table CSV for
 * people (Chinese headers, one row per period or category, as the page's tables), the long CSV for
 * machines (open data, one line per cell, field names in the dictionary on /data/) and JSON (typed cells).
 */

/** A cell flattened for CSV: value, n, interval and a status word instead of an ambiguous blank. */
export function flatCell(cell: Cell): {
  value: number | null;
  n: number | null;
  low: number | null;
  high: number | null;
  status: string;
} {
  const none = { value: null, n: null, low: null, high: null };
  switch (cell.kind) {
    case 'count':
      return { ...none, value: cell.n, n: cell.n, status: 'ok' };
    case 'suppressed':
    case 'missing':
    case 'none':
      return { ...none, status: cell.kind };
    case 'rate':
      return {
        value: round2(cell.rate * 100),
        n: cell.n,
        low: round2(cell.low * 100),
        high: round2(cell.high * 100),
        status: cell.smallSample ? 'smallSample' : 'ok',
      };
    case 'median':
      return { ...none, value: cell.days, n: cell.n, status: cell.smallSample ? 'smallSample' : 'ok' };
    case 'share':
      return { ...none, value: round2(cell.share * 100), n: cell.n, status: 'ok' };
    case 'yoy':
      return cell.change.kind === 'change'
        ? { ...none, value: cell.change.percent, status: 'ok' }
        : { ...none, status: cell.change.kind };
  }
}

export const CSV_COLUMNS = [
  'series',
  'table',
  'row',
  'row_label',
  'column',
  'column_label',
  'kind',
  'value',
  'n',
  'ci95_low',
  'ci95_high',
  'status',
] as const;

/** The long CSV: one line per cell, machine field names (CSV_COLUMNS, described on /data/). */
export function datasetCsv(d: Dataset): string {
  const lines = [...cellsOf(d.tables)].map(({ table, row, column, cell }) => {
    const f = flatCell(cell);
    return [
      d.key,
      table.key,
      row.key,
      row.label,
      column.key,
      column.label,
      cell.kind,
      f.value ?? '',
      f.n ?? '',
      f.low ?? '',
      f.high ?? '',
      f.status,
    ];
  });
  return toCsv([[...CSV_COLUMNS], ...lines]);
}

/** A cell as the table CSV writes it: what the page shows, with the small-sample flag; counts as plain numbers. */
function tableCellText(cell: Cell): string | number {
  if (cell.kind === 'count') return cell.n;
  const f = formatCell(cell);
  return f.flag ? `${f.text}（${f.flag}）` : f.text;
}

/** One table as rows: the header (caption, then the column labels), then one row per period or category. */
function tableRows(table: StatTable): (string | number)[][] {
  return [
    [table.caption, ...table.columns.map((c) => c.label)],
    ...table.rows.map((r) => [r.label, ...r.cells.map(tableCellText)]),
  ];
}

/**
 * The table CSV for people (Excel, WPS): the series' title and source, then each table as the page
 * shows it — Chinese headers, one row per period or category — with a blank line between tables.
 */
export function datasetTableCsv(d: Dataset): string {
  const rows: (string | number)[][] = [
    [d.title],
    [`${t('statistics.page.source')}：${d.source}`],
    [`${t('statistics.page.period')}：${d.period}`],
    ...(d.demo ? [[t('statistics.page.demo')]] : []),
  ];
  for (const table of d.tables) rows.push([], ...tableRows(table));
  return toCsv(rows);
}

/** The .xlsx of a series: a first sheet with title, source, period and definitions, then one sheet per table. */
export function datasetXlsx(d: Dataset): Promise<Uint8Array<ArrayBuffer>> {
  return toXlsx([
    {
      name: t('statistics.xlsx.about'),
      rows: [
        [d.title],
        [t('statistics.page.source'), d.source],
        [t('statistics.page.period'), d.period],
        [t('statistics.page.updated'), d.updated],
        ...(d.demo ? [[t('statistics.page.demo')]] : []),
        ...d.definitions.map((text, i) => [i === 0 ? t('statistics.page.definitions') : '', text]),
      ],
      headerRows: 0,
    },
    ...d.tables.map((table) => ({ name: table.caption, rows: tableRows(table) })),
  ]);
}

export function datasetJson(d: Dataset, url: string): string {
  const body = {
    series: d.key,
    url,
    title: d.title,
    demo: d.demo,
    source: d.source,
    period: d.period,
    updated: d.updated,
    definitions: d.definitions,
    rules: {
      suppressionThreshold: SUPPRESSION_THRESHOLD,
      smallSample: SMALL_SAMPLE,
      percentUnits:
        'rates, shares and year-on-year changes are percentages (0–100) in CSV; rates and shares are fractions (0–1) in JSON',
    },
    tables: d.tables.map((tb) => ({
      key: tb.key,
      caption: tb.caption,
      columns: tb.columns,
      rows: tb.rows.map((r) => ({ key: r.key, label: r.label, cells: r.cells })),
    })),
  };
  assertFinite(body, 'json');
  return JSON.stringify(body, null, 1);
}
