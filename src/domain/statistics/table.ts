import type { Cell } from './cells.ts';

/**
 * A published statistics table: rows (periods or categories) × columns (measures). The page renders
 * it as an HTML table, the chart plots some of its columns, and CSV and JSON carry the same cells,
 * so the three can never disagree. Labels arrive already translated (the domain holds no UI text).
 */
export interface StatColumn {
  key: string;
  label: string;
}

export interface StatRow {
  key: string;
  label: string;
  cells: Cell[];
}

export interface ChartSpec {
  type: 'bar' | 'line';
  /** Keys of the columns to plot (one dataset each). */
  columns: string[];
  stacked?: boolean;
  /** The plotted values are percentages (rates, shares): the axis runs 0–100. */
  percent?: boolean;
  /** Line charts: join the points (false for categories that are not a time axis). Default true. */
  connect?: boolean;
  /** Draw the 95 % interval of rate cells as a thin bar behind each point. */
  intervals?: boolean;
  /** Axis titles and the canvas's accessible name. */
  yTitle: string;
  xTitle: string;
  ariaLabel: string;
  intervalLabel?: string;
}

export interface StatTable {
  key: string;
  caption: string;
  columns: StatColumn[];
  rows: StatRow[];
  chart: ChartSpec | null;
}

/** Every cell of every table, with where it is (for scans and exports). */
export function* cellsOf(
  tables: readonly StatTable[],
): Generator<{ table: StatTable; row: StatRow; column: StatColumn; cell: Cell }> {
  for (const table of tables) {
    for (const row of table.rows) {
      if (row.cells.length !== table.columns.length)
        throw new Error(
          `table ${table.key}, row ${row.key}: ${row.cells.length} cells for ${table.columns.length} columns`,
        );
      for (const [i, cell] of row.cells.entries()) yield { table, row, column: table.columns[i]!, cell };
    }
  }
}
