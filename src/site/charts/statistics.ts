import { plotValue, round2 } from '../../domain/statistics/cells.ts';
import type { StatTable } from '../../domain/statistics/table.ts';

/**
 * Chart.js configurations built from a statistics table by pure functions (STYLE.md §8), so they are
 * unit-tested and serialisable: the page puts the result in a data attribute and the browser only
 * calls `new Chart(canvas, config)`. The shape is the subset of Chart.js's ChartConfiguration used
 * here (the unit tests check it against Chart.js's own types). Every chart configuration of the site is
 * built in src/site/charts/ (this file: statistics; scoring.ts: the scorecard's indicator chart).
 */
export interface ChartDataset {
  type?: 'bar' | 'line';
  label: string;
  data: (number | null | [number, number])[];
  backgroundColor: string;
  borderColor: string;
  borderWidth?: number;
  pointStyle?: 'circle' | 'rectRot' | 'triangle' | 'rect' | 'crossRot';
  pointRadius?: number;
  showLine?: boolean;
  grouped?: boolean;
  barPercentage?: number;
  order?: number;
  spanGaps?: boolean;
}

export interface ChartConfig {
  type: 'bar' | 'line';
  data: { labels: string[]; datasets: ChartDataset[] };
  options: {
    responsive: true;
    maintainAspectRatio: false;
    animation: false;
    plugins: { legend: { display: boolean; position: 'bottom' }; tooltip: { enabled: true } };
    scales: {
      x: { stacked: boolean; title: { display: true; text: string } };
      y: { stacked: boolean; beginAtZero: true; min?: number; max?: number; title: { display: true; text: string } };
    };
  };
}

/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies; each dataset also
 * gets its own point style, so colour is never the only cue (WCAG 1.4.1).
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;
const POINT_STYLES = ['circle', 'rectRot', 'triangle', 'rect', 'crossRot'] as const;

const finiteOrNull = (x: number | null): number | null => (x === null || Number.isFinite(x) ? x : null);

/** The Chart.js configuration of a table's chart, or null when the table has none. */
export function buildChartConfig(table: StatTable): ChartConfig | null {
  const spec = table.chart;
  if (!spec) return null;
  const labels = table.rows.map((r) => r.label);
  const datasets: ChartDataset[] = [];
  spec.columns.forEach((key, i) => {
    const col = table.columns.findIndex((c) => c.key === key);
    if (col < 0) throw new Error(`chart of ${table.key}: no column ${key}`);
    const colour = PALETTE[i % PALETTE.length]!;
    const cells = table.rows.map((r) => r.cells[col]!);
    datasets.push({
      label: table.columns[col]!.label,
      data: cells.map((c) => finiteOrNull(plotValue(c))),
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: spec.type === 'line' ? 2 : 0,
      pointStyle: POINT_STYLES[i % POINT_STYLES.length]!,
      pointRadius: spec.type === 'line' ? 4 : 0,
      order: 1,
      ...(spec.type === 'line' ? { spanGaps: false, showLine: spec.connect ?? true } : {}),
    });
    if (spec.intervals) {
      datasets.push({
        type: 'bar',
        label: `${table.columns[col]!.label} ${spec.intervalLabel ?? ''}`.trim(),
        data: cells.map((c) =>
          c.kind === 'rate' ? ([round2(c.low * 100), round2(c.high * 100)] as [number, number]) : null,
        ),
        backgroundColor: `${colour}40`,
        borderColor: colour,
        borderWidth: 1,
        grouped: false,
        barPercentage: 0.25,
        order: 2,
      });
    }
  });
  const config: ChartConfig = {
    type: spec.type,
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: datasets.length > 1, position: 'bottom' }, tooltip: { enabled: true } },
      scales: {
        x: { stacked: spec.stacked ?? false, title: { display: true, text: spec.xTitle } },
        y: {
          stacked: spec.stacked ?? false,
          beginAtZero: true,
          ...(spec.percent ? { min: 0, max: 100 } : {}),
          title: { display: true, text: spec.yTitle },
        },
      },
    },
  };
  assertFinite(config);
  return config;
}

/** Throws if a NaN or ±Infinity is anywhere in a value (JSON would turn it into null silently). */
export function assertFinite(value: unknown, path = 'config'): void {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${path} is ${value}`);
  } else if (Array.isArray(value)) value.forEach((v, i) => assertFinite(v, `${path}[${i}]`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
}
