import { stringify } from 'csv-stringify/sync';
import { cellsOf } from '../../domain/statistics/table.ts';
import { SMALL_SAMPLE, SUPPRESSION_THRESHOLD, round2, type Cell } from '../../domain/statistics/cells.ts';
import { assertFinite } from '../charts/statistics.ts';
import type { Dataset } from './model.ts';

/**
 * Open data of a statistics series: JSON (typed cells, as the page shows them) and CSV (one line per
 * cell, "long" format, easy to pivot). Both are built from the same Dataset as the page.
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
  return stringify([[...CSV_COLUMNS], ...lines], { record_delimiter: 'windows' });
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
